"""Microsoft's azure-devops SDK (7.1.0b4), unchanged, against `gatehouse serve`.

Run by AzureDevOpsEndToEndTests with GATEHOUSE_URL (http://127.0.0.1:PORT), ORGANIZATION,
ADMIN_PAT (vso.graph_manage, vso.tokenadministration: it grants vso.tokens), CODE_PAT (vso.code only),
VICTIM_PAT and VICTIM_ID (a token of the admin's, to revoke), POLICY_ORGANIZATION (global and
full-scoped tokens restricted, 30 days at most), CLOSED_ORGANIZATION (creation restricted to
packaging scopes), ADMIN_NAME, USER_COUNT and AZURE_DEVOPS_CACHE_DIR (a fresh folder).
Prints one line per check; exits non-zero at the first failure.
"""
import datetime
import os
import sys

import requests
from azure.devops.connection import Connection
from azure.devops.exceptions import AzureDevOpsServiceError, AzureDevOpsClientRequestError
from azure.devops.v7_1.token_admin.models import TokenAdminRevocation
from msrest.authentication import BasicAuthentication

server = os.environ["GATEHOUSE_URL"]
organization = os.environ["ORGANIZATION"]
admin_pat = os.environ["ADMIN_PAT"]
code_pat = os.environ["CODE_PAT"]
victim_pat = os.environ["VICTIM_PAT"]
victim_id = os.environ["VICTIM_ID"]
policy_organization = os.environ["POLICY_ORGANIZATION"]
closed_organization = os.environ["CLOSED_ORGANIZATION"]
base = f"{server}/{organization}"


def check(condition, what):
    if not condition:
        print(f"FAILED: {what}")
        sys.exit(1)
    print(f"ok: {what}")


def auth_check(pat):
    return requests.get(f"{server}/auth/check", params={"org": organization, "scope": "vso.code"}, auth=("", pat)).status_code


connection = Connection(base_url=base, creds=BasicAuthentication("", admin_pat))

# Location discovery and connectionData, through the released client factory.
data = connection.clients.get_location_client().get_connection_data()
check(data.authenticated_user.provider_display_name == os.environ["ADMIN_NAME"], "connectionData names the token's owner")
admin_descriptor = data.authenticated_user.descriptor
check(admin_descriptor.startswith("aad."), f"the owner's descriptor is Azure style ({admin_descriptor[:8]}…)")

graph = connection.clients_v7_1.get_graph_client()

# Users and groups, more than one page each.
def walk(list_page, items):
    """Every row of a Graph list, following the continuation token; and how many pages it took."""
    rows, token, pages = [], None, 0
    while True:
        page = list_page(continuation_token=token)
        rows += items(page)
        pages += 1
        token = page.continuation_token[0] if isinstance(page.continuation_token, list) else page.continuation_token
        if not token or pages > 50:
            return rows, pages


users, pages = walk(graph.list_users, lambda page: page.graph_users)
check(pages > 1, f"list_users walked {pages} pages")
check(len(users) == int(os.environ["USER_COUNT"]), f"list_users saw every member once ({len(users)})")
check(len({u.descriptor for u in users}) == len(users), "each user has its own descriptor")
groups, pages = walk(graph.list_groups, lambda page: page.graph_groups)
check(pages > 1, f"list_groups walked {pages} pages")
team = next(g for g in groups if g.display_name == "Automation")
check(team.descriptor.startswith("vssgp."), "groups have vssgp. descriptors")

person = next(u for u in users if u.directory_alias == "person1")
one = graph.get_user(person.descriptor)
check(one.display_name == person.display_name and one.origin_id == person.origin_id, "get_user reads one user")
check(graph.get_storage_key(person.descriptor).value == person.origin_id, "get_storage_key gives the id")
check(graph.get_descriptor(person.origin_id).value == person.descriptor, "get_descriptor gives the descriptor back")

up = graph.list_memberships(person.descriptor, direction="up")
check(any(m.container_descriptor for m in up), f"memberships up: {len(up)} groups")

# Add and remove a membership.
check(not any(m.container_descriptor == team.descriptor for m in up), "person1 is not in Automation yet")
added = graph.add_membership(person.descriptor, team.descriptor)
check(added.member_descriptor == person.descriptor and added.container_descriptor == team.descriptor, "add_membership")
down = graph.list_memberships(team.descriptor, direction="down")
check([m.member_descriptor for m in down] == [person.descriptor], "memberships down show the new member")
graph.check_membership_existence(person.descriptor, team.descriptor)
print("ok: check_membership_existence")
graph.remove_membership(person.descriptor, team.descriptor)
check(graph.list_memberships(team.descriptor, direction="down") == [], "remove_membership")
try:
    graph.check_membership_existence(person.descriptor, team.descriptor)
    check(False, "a removed membership does not exist")
except (AzureDevOpsServiceError, AzureDevOpsClientRequestError):
    print("ok: a removed membership does not exist")

# Token Administration: the admin's tokens, then revoke the victim; /auth/check refuses after.
token_admin = connection.clients_v7_1.get_token_admin_client()
listed, token = [], None
while True:
    page = token_admin.list_personal_access_tokens(admin_descriptor, page_size=2, continuation_token=token)
    listed += page.value
    token = page.continuation_token
    if not token or len(listed) > 100:
        break
check(any(t.authorization_id == victim_id for t in listed), f"list_personal_access_tokens lists the victim ({len(listed)} tokens)")
check(all(t.token is None for t in listed), "no secret in the list")
check(auth_check(victim_pat) == 204, "the victim authenticates before")
token_admin.revoke_authorizations([TokenAdminRevocation(authorization_id=victim_id)])
check(auth_check(victim_pat) == 401, "revoke_authorizations: the victim fails /auth/check at once")

# PAT Lifecycle Management over plain HTTP.
pats = f"{base}/_apis/tokens/pats?api-version=7.1-preview.1"
session = requests.Session()
session.auth = ("", admin_pat)
valid_to = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=20)).isoformat()
created = session.post(pats, json={"displayName": "rotated by script", "scope": "vso.code", "validTo": valid_to, "allOrgs": False}).json()
check(created["patTokenError"] == "none", "create")
secret = created["patToken"]["token"]
authorization_id = created["patToken"]["authorizationId"]
check(secret.startswith("gpat_") and auth_check(secret) == 204, "the new PAT authenticates")
listed, continuation, pages = [], None, 0
while True:
    params = {"displayFilterOption": "active", "sortByOption": "displayName", "isSortAscending": "true"}
    if continuation:
        params["continuationToken"] = continuation
    listing = session.get(pats, params=params)
    check(secret not in listing.text, "the secret is in the create answer only")
    listed += listing.json()["patTokens"]
    continuation, pages = listing.json()["continuationToken"], pages + 1
    if not continuation or pages > 50:
        break
check(any(t["authorizationId"] == authorization_id for t in listed), f"list ({len(listed)} active tokens in {pages} pages)")
names = [t["displayName"] for t in listed]
check(names == sorted(names, key=str.lower) or names == sorted(names), "sorted by display name")
got = session.get(pats, params={"authorizationId": authorization_id}).json()
check(got["patToken"]["displayName"] == "rotated by script" and got["patToken"]["token"] is None, "get by authorizationId")
updated = session.put(pats, json={"authorizationId": authorization_id, "displayName": "renamed by script", "scope": "vso.code vso.build"}).json()
check(updated["patTokenError"] == "none" and updated["patToken"]["displayName"] == "renamed by script", "update")
check(session.delete(pats, params={"authorizationId": authorization_id}).status_code == 204, "revoke")
check(auth_check(secret) == 401, "the revoked PAT fails /auth/check")

# Each policy refusal, in organizations with the policies on.
far = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=200)).isoformat()
for where, body, expected in [
    (policy_organization, {"displayName": "full", "scope": "app_token"}, "fullScopePatPolicyViolation"),
    (policy_organization, {"displayName": "global", "scope": "vso.packaging", "allOrgs": True}, "globalPatPolicyViolation"),
    (policy_organization, {"displayName": "long", "scope": "vso.packaging", "validTo": far}, "patLifespanPolicyViolation"),
    (closed_organization, {"displayName": "not packaging", "scope": "vso.code"}, "disablePatCreationPolicyViolation"),
]:
    answer = session.post(f"{server}/{where}/_apis/tokens/pats?api-version=7.1-preview.1", json=body)
    check(answer.json()["patTokenError"] == expected and answer.json()["patToken"] is None, f"policy refusal {expected} ({answer.status_code})")

# A token lacking the scope: 403 in Azure DevOps' shape for every call, and nothing changes.
weak = Connection(base_url=base, creds=BasicAuthentication("", code_pat))
weak_graph = weak.clients_v7_1.get_graph_client()
weak_admin = weak.clients_v7_1.get_token_admin_client()
calls = [
    ("list_users", lambda: weak_graph.list_users()),
    ("list_groups", lambda: weak_graph.list_groups()),
    ("add_membership", lambda: weak_graph.add_membership(person.descriptor, team.descriptor)),
    ("list_personal_access_tokens", lambda: weak_admin.list_personal_access_tokens(admin_descriptor)),
    ("revoke_authorizations", lambda: weak_admin.revoke_authorizations([TokenAdminRevocation(authorization_id=victim_id)])),
]
for name, call in calls:
    try:
        call()
        check(False, f"{name} without the scope is refused")
    except AzureDevOpsServiceError as error:
        check(error.type_key == "InsufficientScopeException", f"{name} without the scope: {error.type_key}")
    except AzureDevOpsClientRequestError as error:
        check(False, f"{name} without the scope: not Azure DevOps' error shape ({error})")
raw = requests.get(f"{base}/_apis/graph/users", auth=("", code_pat))
check(raw.status_code == 403 and raw.json()["typeKey"] == "InsufficientScopeException", "403 with typeKey InsufficientScopeException")
raw = requests.post(pats, json={"displayName": "x", "scope": "vso.code"}, auth=("", code_pat))
check(raw.status_code == 403, "PAT create without vso.tokens: 403")
check(graph.list_memberships(team.descriptor, direction="down") == [], "nothing changed")

# Bad inputs: never a 5xx.
for path in ["/_apis/graph/users/aad.!!!", "/_apis/graph/users?continuationToken=%00%ff", "/_apis/graph/users?api-version=banana",
             "/_apis/graph/users?api-version=99.0", "/_apis/tokenadmin/personalaccesstokens/" + "a" * 500,
             "/_apis/tokenadmin/personalaccesstokens/" + admin_descriptor + "?pageSize=99999999999999999999",
             "/_apis/graph/Memberships/vssgp.AAAA?direction=down"]:
    status = requests.get(base + path, auth=("", admin_pat)).status_code
    check(status < 500, f"GET {path[:60]} → {status}")
packaging = session.post(f"{server}/{closed_organization}/_apis/tokens/pats?api-version=7.1-preview.1",
                         json={"displayName": "packaging only", "scope": "vso.packaging"}).json()
check(packaging["patTokenError"] == "none", "a packaging-only token is still allowed where creation is restricted to packaging")
print("all checks passed")
