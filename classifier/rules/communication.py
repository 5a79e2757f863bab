"""sends_communication: messages, emails, posts, comments or notifications that other people receive.

Creating an issue or a draft is a plain Write; sending, posting, replying and commenting reach people.
"""

from __future__ import annotations

from classifier.features import ToolFeatures
from classifier.rules.base import Signal, name_actions
from classifier.text import plain

SEND_VERBS = plain("send post reply forward notify broadcast publish tweet retweet announce dm message email text sms")
ADD_VERBS = plain("create add write leave make")
MESSAGES = plain(
    """message messages email emails mail mails sms text texts notification notifications comment comments reply
    replies post posts tweet tweets chat dm dms announcement announcements status toot cast thread note
    invitation reminder alert alerts whatsapp telegram slack discord teams sms mms fax letter review"""
)
COMMENTS = plain("comment comments reply replies review message messages post tweet")
NOT_SENT = plain("draft drafts template templates")


# Channels that deliver what a tool sends to people, and ones that deliver it to programs.
PEOPLE_CHANNELS = plain(
    "telegram wework wechat slack discord whatsapp teams sms bot ntfy chat channel email signal line lark feishu "
    "dingtalk pushover mattermost matrix"
)
MACHINE_CHANNELS = plain("queue queues topic topics sqs kafka pubsub stream mqtt webhook event events")
# Push-notification services deliver to a person's phone or desktop.
PUSH_CHANNELS = plain("push notification notifications bark pushplus pushover gotify ntfy mobile")
# "Publish a message to the device fleet", "send a cloud-to-device message": devices receive it, not people
# (LABELLING.md IoT state: physical).
DEVICE_RECIPIENTS = plain("device devices fleet c2d")


def detect(f: ToolFeatures) -> list[Signal]:
    actions = name_actions(f)
    if not actions:
        return []
    verb = actions[0]
    objects = f.name_set & MESSAGES
    if f.name_set & NOT_SENT and verb != "send":
        return []
    if verb == "send" and f.name_set & plain("draft drafts"):
        return [Signal("communication.sends", "sends_communication", "send,draft")]  # a draft sent is a message
    people_named = bool(f.name_set & PEOPLE_CHANNELS)  # "discord_send_webhook_message": a webhook into a chat
    if verb == "send" and (f.name_set.isdisjoint(MACHINE_CHANNELS) or people_named):
        channel = (f.name_set | f.server_words | f.desc_set) & (PEOPLE_CHANNELS | PUSH_CHANNELS)
        if channel and not objects:
            return [Signal("communication.sends_via", "sends_communication", "send," + ",".join(sorted(channel)))]
    if verb in SEND_VERBS and (objects or verb in ("notify", "tweet", "broadcast", "dm", "email", "sms", "reply")):
        if not f.name_set.isdisjoint(MACHINE_CHANNELS) and not people_named:
            return []  # a message to a queue or a topic reaches programs, not people
        if not (f.name_set | f.desc_set).isdisjoint(DEVICE_RECIPIENTS) and "notification" not in f.desc_set:
            return []  # a message to devices reaches machines
        money = f.name_set & plain("eth btc sol token tokens crypto funds money payment transaction usdc coin")
        if verb == "send" and money:
            return []
        social = plain(
            "channel chat slack discord social twitter tweet mastodon bluesky linkedin facebook instagram reddit threads"
        )
        if (
            verb == "post"
            and not objects & plain("message messages comment tweet status reply chat dm")
            and not f.desc_set & social
        ):
            return []
        return [Signal("communication.sends", "sends_communication", f"{verb},{','.join(sorted(objects))}".rstrip(","))]
    if verb in ADD_VERBS and f.name_set & COMMENTS:
        return [
            Signal("communication.comment", "sends_communication", f"{verb},{','.join(sorted(f.name_set & COMMENTS))}")
        ]
    if verb in ADD_VERBS and f.name_set & plain("thread threads story stories") and "comment" in f.desc_set:
        # "Create a comment or story on a task", "Write operations for pull request comment threads".
        return [Signal("communication.comment", "sends_communication", f"{verb},comment")]
    return []
