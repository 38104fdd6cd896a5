#!/usr/bin/env python3
"""Writes Resources/demo/directory.json: the seeded organization `gatehouse demo` opens.

Deterministic (fixed seed), so the demo is the same for every presenter. Times are in days
before "now": the seeder replays the timeline with a clock, so tokens expire in 3 days
whenever the demo runs. Run it again only to change the demo; the JSON is what ships.
"""
import json, random

rng = random.Random(20261129)
ORGS = ["Fabrikam", "Contoso", "Northwind"]
FIRST = ["Alice", "Bruno", "Chen", "Dana", "Elif", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kavya", "Liam",
         "Maya", "Nikolai", "Olga", "Pedro", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Victor", "Wen", "Ximena",
         "Yusuf", "Zoe", "Amara", "Bjorn", "Carmen", "Dmitri", "Esther", "Felix", "Gita", "Hamza", "Isla", "Jae",
         "Keanu", "Lena", "Mateo", "Noor", "Omar", "Priya", "Rafael", "Sakura", "Tomasz", "Valentina", "Wojtek", "Yara"]
LAST = ["Andersen", "Barros", "Chen", "Dubois", "Eriksen", "Fischer", "Garcia", "Hoffmann", "Ivanova", "Jensen",
        "Kowalski", "Lopez", "Moreau", "Nakamura", "Okafor", "Petrov", "Quist", "Rossi", "Schmidt", "Tanaka",
        "Ulrich", "Varga", "Weber", "Xu", "Yilmaz", "Zimmermann"]
SOURCES = ["entra-id"] * 6 + ["microsoft-account"] * 2 + ["active-directory"] * 2 + ["local"]
ACCESS = ["basic"] * 6 + ["stakeholder"] * 2 + ["basic-test-plans"] * 2

users = []
taken = set()
for i, first in enumerate(FIRST):
    last = LAST[(i * 7) % len(LAST)]
    login = (first[0] + last).lower()
    if login in taken:
        login = (first + last[0]).lower()
    taken.add(login)
    home = ORGS[i % 3]
    orgs = [home] + ([ORGS[(i + 1) % 3]] if i % 5 == 0 else [])
    domain = {"Fabrikam": "fabrikam.example", "Contoso": "contoso.example", "Northwind": "northwind.example"}[home]
    users.append({"login": login, "name": f"{first} {last}", "email": f"{first.lower()}.{last.lower()}@{domain}",
                  "kind": "user", "source": SOURCES[i % len(SOURCES)], "access": ACCESS[(i * 3) % len(ACCESS)],
                  "organizations": orgs, "daysAgo": 700 - i * 5})
non_person = [
    ("svc-deploy", "Deployment Service", "service-account", "Fabrikam"),
    ("svc-backup", "Nightly Backup", "service-account", "Fabrikam"),
    ("svc-reporting", "Reporting Service", "service-account", "Contoso"),
    ("svc-legacy-sync", "Legacy Directory Sync", "service-account", "Northwind"),
    ("sp-terraform", "Terraform Service Principal", "service-principal", "Fabrikam"),
    ("sp-monitoring", "Monitoring Principal", "service-principal", "Contoso"),
    ("sp-dataplatform", "Data Platform Principal", "service-principal", "Northwind"),
    ("agent-linux-01", "Build Agent linux-01", "job-agent", "Fabrikam"),
    ("agent-linux-02", "Build Agent linux-02", "job-agent", "Fabrikam"),
    ("agent-win-01", "Build Agent win-01", "job-agent", "Contoso"),
    ("agent-mac-01", "Build Agent mac-01", "job-agent", "Northwind"),
    ("app-slack", "Slack Notifications", "third-party-app", "Fabrikam"),
    ("app-jira-bridge", "Jira Bridge", "third-party-app", "Contoso"),
    ("app-sonar", "SonarQube Scanner", "third-party-app", "Northwind"),
]
for n, (login, name, kind, org) in enumerate(non_person):
    users.append({"login": login, "name": name, "email": "", "kind": kind,
                  "source": "entra-id" if kind == "service-principal" else "local", "access": "basic",
                  "organizations": [org], "daysAgo": 600 - n * 20})
# The demo administrator and a few organisation admins.
admins = {"Fabrikam": ["asanderson" if False else users[0]["login"]], "Contoso": [users[1]["login"]], "Northwind": [users[2]["login"]]}

disabled = [(users[7]["login"], 40), (users[13]["login"], 12), (users[22]["login"], 95), ("svc-legacy-sync", 18), (users[31]["login"], 3)]

def members(org):
    return [u for u in users if org in u["organizations"]]

groups = []
for org in ORGS:
    people = [u for u in members(org) if u["kind"] == "user"]
    groups.append({"organization": org, "name": "Project Collection Administrators", "members": admins[org]})
    groups.append({"organization": org, "name": "Contributors", "members": [u["login"] for u in people[3:]]})
    groups.append({"organization": org, "name": "Readers", "members": [u["login"] for u in people if u["access"] == "stakeholder"]})
    agents = [u["login"] for u in members(org) if u["kind"] in ("job-agent", "service-principal")]
    groups.append({"organization": org, "name": "Build Administrators", "members": agents + [people[3]["login"]]})
    groups.append({"organization": org, "name": "Project Administrators", "members": [people[4]["login"]]})
# Custom groups with nesting and a Deny.
groups += [
    {"organization": "Fabrikam", "name": "Release Managers", "description": "Approve and run production releases.",
     "members": [users[3]["login"], users[6]["login"], "group:Build Administrators"],
     "permissions": {"manage-others-tokens": "allow", "view-audit-log": "allow"}},
    {"organization": "Fabrikam", "name": "Security Reviewers", "description": "Read the audit log and review token hygiene.",
     "members": [users[9]["login"], users[12]["login"]], "permissions": {"view-audit-log": "allow", "edit-policies": "allow"}},
    {"organization": "Fabrikam", "name": "Contractors", "description": "External contractors: no tokens, no admin rights.",
     "members": [users[15]["login"], users[18]["login"]], "permissions": {"create-tokens": "deny", "manage-groups": "deny"}},
    {"organization": "Fabrikam", "name": "Platform Team", "description": "Owns the build and deploy platform.",
     "members": [users[21]["login"], "group:Release Managers"], "permissions": {"manage-groups": "allow"}},
    {"organization": "Contoso", "name": "Auditors", "description": "Quarterly compliance review.",
     "members": [users[4]["login"], users[10]["login"]], "permissions": {"view-audit-log": "allow"}},
    {"organization": "Contoso", "name": "Interns", "description": "Summer interns: read only.",
     "members": [users[25]["login"], users[28]["login"]], "permissions": {"create-tokens": "deny"}},
    {"organization": "Northwind", "name": "Data Engineers", "description": "Pipelines for the data platform.",
     "members": [users[5]["login"], users[11]["login"], "sp-dataplatform"], "permissions": {"manage-others-tokens": "allow"}},
]
# Contributors of Contoso also get the Interns nested so the Deny path is visible.
policies = [
    {"organization": "Contoso", "kind": "restrict-full-scoped-tokens", "enabled": True, "daysAgo": 25,
     "exemptions": ["group:Project Collection Administrators"]},
    {"organization": "Fabrikam", "kind": "maximum-lifespan", "enabled": True, "maximumDays": 90, "daysAgo": 60,
     "exemptions": ["svc-backup"]},
    {"organization": "Northwind", "kind": "restrict-creation", "enabled": True, "packagingOnly": True, "daysAgo": 15,
     "exemptions": ["group:Data Engineers", "group:Project Collection Administrators"]},
]
# Global tokens were allowed until 120 days ago in Fabrikam (so old global tokens are non-compliant).
policies.insert(0, {"organization": "Fabrikam", "kind": "restrict-global-tokens", "enabled": False, "daysAgo": 400, "exemptions": []})
policies.insert(1, {"organization": "Fabrikam", "kind": "restrict-global-tokens", "enabled": True, "daysAgo": 120, "exemptions": []})
policies.insert(0, {"organization": "Contoso", "kind": "restrict-global-tokens", "enabled": False, "daysAgo": 400, "exemptions": []})
policies.insert(1, {"organization": "Contoso", "kind": "restrict-global-tokens", "enabled": True, "daysAgo": 100, "exemptions": []})
policies.append({"organization": "Northwind", "kind": "restrict-global-tokens", "enabled": False, "daysAgo": 400, "exemptions": []})

SCOPESETS = [
    (["vso.code"], "Code read"), (["vso.code_write"], "Git push"), (["vso.build", "vso.release"], "Pipeline status"),
    (["vso.build_execute"], "Queue builds"), (["vso.packaging"], "Feed restore"), (["vso.packaging_write"], "Package publish"),
    (["vso.work_write"], "Boards sync"), (["vso.work", "vso.code"], "Reporting"), (["vso.analytics"], "Analytics export"),
    (["vso.release_execute", "vso.build_execute"], "Release automation"), (["vso.project", "vso.graph"], "Directory sync"),
    (["vso.tokens"], "Token rotation"), (["vso.securefiles_read"], "Signing certificates"), (["vso.wiki_write"], "Docs publishing"),
    (["vso.test_write"], "Test results upload"), (["vso.agentpools_manage"], "Agent registration"),
    (["vso.serviceendpoint_query"], "Service connection check"), (["vso.auditlog"], "Audit export"),
    ("full", "Admin scripts"), ("full", "Migration tool"),
]
tokens = []
def add_token(owner, org, scopes, name, created, life, last_used=None, revoked=None, created_by=None, regenerated=None):
    t = {"owner": owner, "name": name, "organization": org, "scopes": scopes, "daysAgo": created, "lifespanDays": life}
    if last_used is not None: t["lastUsedDaysAgo"] = last_used
    if revoked: t["revoked"] = {"daysAgo": revoked[0], "reason": revoked[1]}
    if created_by: t["createdBy"] = created_by
    if regenerated is not None: t["regeneratedDaysAgo"] = regenerated
    tokens.append(t)

disabled_on = dict(disabled)
denied = {users[15]["login"], users[18]["login"], users[25]["login"], users[28]["login"]}
people = [u for u in users if u["kind"] == "user" and u["login"] not in denied]
reasons = ["Rotated after offboarding", "No longer needed", "Replaced by a service principal", "Scope too broad", "Laptop lost"]
for i in range(150):
    u = people[i % len(people)]
    org = u["organizations"][0]
    scopes, purpose = SCOPESETS[(i * 7 + 3) % len(SCOPESETS)]
    # Respect each org's policy timeline: full access in Contoso only before day 25, long lifespans in Fabrikam only before day 60.
    created = rng.choice([2, 5, 9, 14, 20, 28, 33, 45, 58, 70, 88, 100, 130, 160, 200, 240, 300])
    # Nobody creates tokens after being disabled.
    created = max(created, disabled_on.get(u["login"], -1) + 1)
    life = rng.choice([30, 30, 60, 90, 90, 90, 180, 365])
    if org == "Fabrikam" and created < 60 and life > 90: life = 90
    if org == "Contoso" and created < 25 and scopes == "full": scopes = ["vso.code_write"]
    if org == "Northwind" and created < 15: scopes = ["vso.packaging_write"]
    target = org
    if i % 23 == 0 and created > 130: target = "*"
    last_used = None if i % 6 == 0 else rng.choice([0, 0, 1, 2, 3, 7, 12, 30, 95, 120, 150])
    if last_used is not None and last_used >= created: last_used = max(0, created - 1)
    if last_used is not None and created - last_used > life: last_used = max(0, created - life + 1)
    revoked = None
    if i % 9 == 4:
        when = rng.randint(0, max(0, created - 1))
        if created - when < life: revoked = (when, reasons[i % len(reasons)])
    add_token(u["login"], target, scopes, f"{purpose} ({u['name'].split()[0]})" if i % 4 else purpose, created, life, last_used, revoked)

# Tokens that expire within 7 days (life ends in 1-6 days), and some on behalf of service accounts.
for j, u in enumerate([p for p in people if p["login"] not in disabled_on][:12]):
    life = 30
    created = life - (1 + j % 6)
    add_token(u["login"], u["organizations"][0], ["vso.build"] if j % 2 else ["vso.code"], f"Expiring soon {j + 1}", created, life, last_used=1)
admin_of = {"Fabrikam": users[0]["login"], "Contoso": users[1]["login"], "Northwind": users[2]["login"]}
for login, name, kind, org in non_person:
    if kind in ("service-account", "service-principal", "job-agent"):
        scopes = ["vso.packaging"] if org == "Northwind" else (["vso.build_execute", "vso.code_write"] if kind == "job-agent" else ["vso.release_execute"])
        add_token(login, org, scopes, f"{name} credential", 80, 90 if org == "Fabrikam" else 180, last_used=0, created_by=admin_of[org], regenerated=20)
# Long-lived backup token: exempt from the lifespan policy.
add_token("svc-backup", "Fabrikam", ["vso.packaging_write", "vso.code"], "Backup archive (exempt)", 30, 365, last_used=0, created_by=admin_of["Fabrikam"])
# Non-compliant in Contoso: full access created before the policy.
add_token(users[4]["login"], "Contoso", "full", "Old admin script", 40, 180, last_used=2)
# Owned by accounts that get disabled later.
for login, _ in disabled:
    add_token(login, next(u for u in users if u["login"] == login)["organizations"][0], ["vso.code_write"], "Personal automation", 150, 365, last_used=60)

# Real public keys made once with ssh-keygen (the private halves were deleted).
ssh_keys = [
    {"owner": users[0]["login"], "daysAgo": 300, "line": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDeDmATceEY0AHiWp2aVlYwNWMrROTVFuRfBAzykNbPX " + users[0]["login"] + "@laptop"},
    {"owner": users[0]["login"], "daysAgo": 90, "line": "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBM9CuCcz+NfSM1BTAj0MsvbEPp2CpnpmAr7OakrbOzoooyjO6WDptZ5Tvw27E1mVh3LR5YVw9v5a5s8+QsrXbSI= " + users[0]["login"] + "@workstation"},
    {"owner": "agent-linux-01", "daysAgo": 200, "line": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILFykqPM2eboKFHD64nM7x52hK8owl1UuF8TidMxxAW4 agent-linux-01@build-host"},
]
doc = {
    "comment": "The demo organization of `gatehouse demo`. Generated by scripts/make-demo-directory.py; times are days before now.",
    "administrator": {"login": "demo-admin", "name": "Demo Administrator", "email": "admin@fabrikam.example"},
    "organizations": [{"name": o, "daysAgo": 720 - k} for k, o in enumerate(ORGS)],
    "users": users, "disabled": [{"login": l, "daysAgo": d} for l, d in disabled],
    "groups": groups, "policies": policies, "tokens": tokens, "sshKeys": ssh_keys,
}
seen = {}
for t in tokens:
    key = (t["owner"], t["name"])
    seen[key] = seen.get(key, 0) + 1
    if seen[key] > 1:
        t["name"] += f" #{seen[key]}"
with open("Resources/demo/directory.json", "w") as f:
    json.dump(doc, f, indent=1, ensure_ascii=False)
print(len(users), "users", len(groups), "groups", len(tokens), "tokens")
