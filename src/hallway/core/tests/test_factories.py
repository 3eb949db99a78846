import pytest

from hallway.core.tests.factories import GuestFactory, UserFactory


@pytest.mark.django_db
def test_factories_make_people_with_profiles():
    member = UserFactory()
    guest = GuestFactory()
    assert member.is_member and member.company.is_host
    assert guest.is_guest and not guest.company.is_host
    assert member.profile.guest_visible_fields
    assert guest.check_password("correct horse battery staple")
