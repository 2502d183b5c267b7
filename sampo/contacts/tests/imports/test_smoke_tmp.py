from sampo.contacts.imports import services
from sampo.contacts.models import Person, Organization
from sampo.core.models import HistoryEntry

def test_smoke(seller, admin):
    content = "Etunimi;Sukunimi;Sähköposti;Yritys;Puhelin;Tunnisteet\nMatti;Virtanen;matti@x.fi;Virtanen Oy;040 123 4567;vip, uusi\nLiisa;Laine;liisa@x.fi;Virtanen Oy;;\n;;;;\nPekka;;bad;;;\n".encode("cp1252")
    batch = services.import_from_file(actor=seller, kind="people", file_name="a.csv", content=content)
    print(batch.mapping, batch.encoding, batch.delimiter)
    print(list(batch.rows.values_list("row_number","outcome","message")))
    assert batch.created_count == 2
    print(Person.objects.values_list("first_name","email","phone","name_folded"))
    print([ (m.organization.name, m.is_primary) for p in Person.objects.all() for m in p.memberships.all()])
    print(HistoryEntry.objects.values_list("event","changes"))
    again = services.import_from_file(actor=seller, kind="people", file_name="a.csv", content=content.replace(b"040 123 4567", b"040 765 4321"))
    print(list(again.rows.values_list("row_number","outcome","message","changes")))
    r = services.import_undo(actor=admin, batch=again)
    print(r, Person.objects.values_list("phone", flat=True))
    r = services.import_undo(actor=admin, batch=batch)
    print(r, Person.objects.count(), Organization.objects.count())
