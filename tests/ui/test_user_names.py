"""Pages name only the users the reader may see (issue 9 finding 14): owners, assessors, update authors."""

from tests import factories as f


def test_pages_do_not_name_another_labs_users(client_for, viewer_lab_a, lab_b, engagement_a, vendor_a):
    stranger = f.UserFactory(username="secret_lab_b_person", role="security", labs=[lab_b])
    engagement_a.owner = stranger
    engagement_a.save()
    assessment = f.AssessmentFactory(vendor=vendor_a, assessor=stranger)
    f.FindingFactory(assessment=assessment, owner=stranger)
    incident = f.IncidentFactory(vendor=vendor_a)
    f.IncidentUpdateFactory(incident=incident, author=stranger)

    client = client_for(viewer_lab_a)
    for url in (
        f"/engagements/{engagement_a.id}/",
        "/assessments/",
        f"/assessments/{assessment.id}/",
        "/findings/",
        f"/incidents/{incident.id}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"secret_lab_b_person" not in response.content, url


def test_pages_name_users_the_reader_may_see(client_for, viewer_lab_a, engagement_a):
    colleague = f.UserFactory(username="lab_a_colleague", role="procurement", labs=[engagement_a.lab])
    engagement_a.owner = colleague
    engagement_a.save()
    response = client_for(viewer_lab_a).get(f"/engagements/{engagement_a.id}/")
    assert b"lab_a_colleague" in response.content
