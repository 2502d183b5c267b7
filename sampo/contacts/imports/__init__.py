"""Import into the customer register: files read (readers), columns mapped to fields
(mapping, fields), rows matched to existing records (matching), written in chunks (runner),
undone (undo); batches, their row results and source ids (models)."""
