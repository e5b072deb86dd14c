"""Every label on the builder page names exactly one element: clicking "New part's title" must not
put the cursor in the worksheet's own title (two forms on one page each had a field called title)."""
import re

from support import csrf_token, signed_in


def test_each_builder_label_points_at_one_field(app, factory):
    counselor = signed_in(app, factory.counselor())
    made = counselor.post("/counselor/worksheets/new", data={"csrf_token": csrf_token(counselor)})
    page = counselor.get(made.headers["Location"]).get_data(as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', page)
    targets = re.findall(r'<label[^>]*\sfor="([^"]+)"', page)
    assert "new_part_title" in targets
    assert [t for t in targets if ids.count(t) != 1] == []
