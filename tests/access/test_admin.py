"""Administrators manage countries of users and members of networks in the Wagtail admin."""

import pytest

from portal.access.models import Network, User

pytestmark = pytest.mark.django_db


def test_admin_sets_a_new_users_country(client, users):
    client.force_login(users["admin"])
    response = client.post(
        "/admin/users/new/",
        {
            "username": "officer.khm",
            "email": "officer.khm@demo.invalid",
            "first_name": "Dara",
            "last_name": "Officer",
            "password1": "a-long-enough-passphrase-1",
            "password2": "a-long-enough-passphrase-1",
            "country": "KHM",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(username="officer.khm").country_id == "KHM"


def test_user_edit_form_shows_the_country(client, users):
    client.force_login(users["admin"])
    html = client.get(f"/admin/users/edit/{users['officer.tha'].pk}/").content.decode()
    assert 'name="country"' in html
    assert '<option value="THA" selected>' in html


def test_network_edit_lists_member_countries(client, users):
    client.force_login(users["admin"])
    andex = Network.objects.get(slug="andex")
    html = client.get(f"/admin/snippets/access/network/edit/{andex.pk}/").content.decode()
    assert "Member countries" in html
    assert "memberships-TOTAL_FORMS" in html


def test_officers_do_not_reach_the_admin(client, users):
    client.force_login(users["officer.tha"])
    response = client.get("/admin/")
    assert response.status_code in {302, 403}
    assert client.get("/admin/snippets/access/network/").status_code in {302, 403}


@pytest.mark.parametrize("username", ["expert.tha", "trainer.phl", "chair.andex"])
def test_experts_trainers_and_chairs_reach_the_admin(client, users, username):
    client.force_login(users[username])
    assert client.get("/admin/").status_code == 200
