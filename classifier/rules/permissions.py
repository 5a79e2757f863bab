"""permissions: tools that change who can access what (users, roles, memberships, sharing, IAM policies).

Reading a role list changes nothing, so only tools whose action writes, removes or grants count.
"""

from __future__ import annotations

import re

from classifier.features import ToolFeatures
from classifier.rules.base import READ_VERBS, Signal, literal_gate, name_actions
from classifier.text import plain

ACCESS_OBJECTS = plain(
    """role roles permission permissions iam acl acls collaborator collaborators member members membership
    memberships access grant grants privilege privileges policy policies owner ownership admin admins sharing
    share invite invitation rolebinding clusterrolebinding serviceaccount"""
)
ACCESS_VERBS = plain("grant revoke share unshare invite assign unassign promote demote elevate impersonate")
USER_OBJECTS = plain("user users account accounts group groups team teams")
MEMBERSHIP_VERBS = plain("add remove delete create deactivate suspend activate unlock lock disable enable ban kick")


ACCESS_PHRASE = re.compile(
    r"allowed ?directories|full access to|access control|grants? (?:\w+ )?access|blocked ?commands|"
    r"(?:read|write|admin) access for|sharing settings"
)
ACCESS_GATE = literal_gate(ACCESS_PHRASE)


# Identity providers: their applications, clients and identity sources decide who can sign in to what.
IDENTITY = plain("okta auth0 keycloak entra azuread cognito sso saml oidc scim idp fusionauth authentik")
IDENTITY_OBJECTS = plain(
    "application applications app apps client clients idp provider providers realm realms factor factors "
    "authenticator authenticators"
)
ATTACH = plain("attach detach attachment attachments")


SETTING_VERBS = plain("set update change configure modify")  # used on many tools: built once, not per call
POLICIES = plain("policy policies")
NOT_ALONE = plain("policy policies share owner")


def detect(f: ToolFeatures) -> list[Signal]:
    actions = name_actions(f)
    if not actions or actions[0] in READ_VERBS:
        return []
    verb = actions[0]
    if verb in SETTING_VERBS and f.description and ACCESS_GATE(f.description):
        match = ACCESS_PHRASE.search(f.description)
        if match:
            return [Signal("permissions.access_setting", "permissions", match.group(0))]
    objects = f.name_set & ACCESS_OBJECTS
    if verb in ACCESS_VERBS and (objects or f.name_set & USER_OBJECTS or verb in ("grant", "share", "invite")):
        if verb == "assign" and not objects:
            return []
        return [Signal("permissions.grant", "permissions", f"{verb},{','.join(sorted(objects))}".rstrip(","))]
    if objects - NOT_ALONE and verb not in plain("send"):
        return [Signal("permissions.access_object", "permissions", f"{verb},{','.join(sorted(objects))}")]
    if ("iam" in f.name_set or "iam" in f.desc_set) and (objects or f.name_set & USER_OBJECTS):
        return [Signal("permissions.iam", "permissions", f"{verb},iam")]
    if objects & POLICIES and f.name_set & plain("iam bucket access role user group inline"):
        return [Signal("permissions.access_policy", "permissions", f"{verb},policy")]
    if objects & POLICIES and (f.name_set | f.desc_set) & ATTACH:
        return [Signal("permissions.access_policy", "permissions", f"{verb},policy,attach")]
    identity = f.name_set & IDENTITY | f.server_words & IDENTITY
    if identity and f.name_set & IDENTITY_OBJECTS:
        return [Signal("permissions.identity_provider", "permissions", f"{verb},{','.join(sorted(identity))}")]
    users = f.name_set & USER_OBJECTS
    if verb in MEMBERSHIP_VERBS and users and (f.name_set & plain("to from member members") or "user" in users):
        return [Signal("permissions.user_admin", "permissions", f"{verb},{','.join(sorted(users))}")]
    return []
