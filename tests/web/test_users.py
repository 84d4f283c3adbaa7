"""用户管理 in a city: the departments listed once whatever the number of users, users paged."""

import html
import re

from app.models import Department
from app.services import accounts
from app.services.accounts import USERS_PAGE
from tests.conftest import PASSWORD, Browserless


def _city(app, departments, users):
    """`departments` more departments and `users` more editors spread over them."""
    with app.app_context():
        codes = [f"5{n:05d}" for n in range(departments)]
        for code in codes:
            Department.create(code=code, name=f"第{code}局")
        for n in range(users):
            accounts.create_user(f"clerk{n:03d}", "editor", PASSWORD, codes[n % departments])
        return codes


def _listed(page):
    """The usernames a page of 用户管理 lists, and its 上一页/下一页 links."""
    names = re.findall(r'aria-label="([^"]+)的姓名"', page)
    found = re.findall(r'<a href="([^"]+)" rel="(?:next|prev)" class="(later|earlier)"', page)
    return names, {kind: html.unescape(href) for href, kind in found}


def test_the_users_page_lists_the_departments_once_whatever_the_users(app, client, seeded):
    codes = _city(app, 20, 60)
    page = client.get("/users/").get_data(as_text=True)
    for code in codes:
        # the new-user form's list, and the chooser of each user of the department
        assert page.count(f'<option value="{code}"') == 1 + 3, code
    with app.app_context():
        lonely = Department.create(code="599999", name="没有用户的局").code
    assert client.get("/users/").get_data(as_text=True).count(f'value="{lonely}"') == 1


def test_users_beyond_a_page_are_on_the_next(app, client, seeded):
    _city(app, 3, USERS_PAGE + 10)
    with app.app_context():
        everyone = [user.username for user in accounts.users()]
    first, links = _listed(client.get("/users/").get_data(as_text=True))
    assert first == everyone[:USERS_PAGE] and "earlier" not in links
    second, links = _listed(client.get(links["later"]).get_data(as_text=True))
    assert second == everyone[USERS_PAGE:] and "later" not in links
    back, _ = _listed(client.get(links["earlier"]).get_data(as_text=True))
    assert back == first


def test_a_user_saved_on_the_second_page_stays_there(app, client, seeded):
    _city(app, 3, USERS_PAGE + 10)
    _, links = _listed(client.get("/users/").get_data(as_text=True))
    page = client.get(links["later"]).get_data(as_text=True)
    last = re.findall(r'action="([^"]+)" class="inline-form" id="edit-user-\d+"', page)[-1]
    form = {"role": "editor", "department": "406001", "full_name": "孙八", "active": "on"}
    answer = Browserless(client).post(html.unescape(last), form, htmx=False)
    assert answer.status_code == 303 and answer.location == links["later"]
    again = client.get(answer.location).get_data(as_text=True)
    assert _listed(again)[0][-1] == "viewer" and 'value="孙八"' in again
