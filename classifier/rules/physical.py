"""physical: tools that act on physical devices or the physical world (lights, locks, robots, printers)."""

from __future__ import annotations

from classifier.features import ToolFeatures
from classifier.rules.base import READ_VERBS, Signal, name_actions
from classifier.text import plain

DEVICES = plain(
    """light lights lamp lamps thermostat smartlock door doors garage robot robots drone drones printer vehicle car
    vacuum hvac blinds curtain curtains switch plug plugs outlet fan heater sprinkler valve motor servo gpio
    arduino relay led leds homeassistant hass iot appliance appliances speaker speakers tv television alarm
    camera cameras actuator gripper arm 3dprinter print homekit zigbee zwave tesla"""
)
DEVICE_CONTEXT = plain(
    "device devices home smart physical robot hardware homeassistant iot sensor sensors printer gpio serial"
)
# A device's desired state (an IoT twin or shadow): changing it makes the device act.
DEVICE_STATE = plain("twin twins shadow shadows")
STATE_VERBS = plain("set update send publish invoke reboot restart toggle turn control command replace patch")
ACTION_WORDS = plain("turn on off toggle set open close lock unlock move drive fly start stop activate dim arm disarm")
# What an IoT platform sends or runs on its devices: messages, direct methods, fleet jobs (LABELLING.md IoT state).
DEVICE_ACTS = plain("method methods message messages job jobs")
DEVICE_ACT_VERBS = STATE_VERBS | plain("create schedule")
# A home-automation hub whose services and entities are the devices of a home.
HOME_HUBS = plain("hass homeassistant")
HUB_ACTS = plain("call service services control entity entities action toggle turn")


def detect(f: ToolFeatures) -> list[Signal]:
    actions = name_actions(f)
    verb = actions[0] if actions else None
    devices = f.name_set & DEVICES
    device_named = "device" in f.name_set or not f.name_set.isdisjoint(DEVICE_STATE)
    if not devices and not device_named:
        return _device_platform_action(f, verb)
    context = (f.desc_set | f.param_words | f.server_words) & DEVICE_CONTEXT
    if devices and (context or f.name_set & ACTION_WORDS):
        if verb in READ_VERBS and not context:
            return []
        out = [Signal("physical.device", "physical", ",".join(sorted(devices)))]
        if verb is not None and verb not in READ_VERBS:
            out.append(Signal("physical.device_action", "Execute", f"{verb},{','.join(sorted(devices))}"))
        return out
    if device_named and verb not in READ_VERBS and context & plain("home smart iot robot hardware"):
        out = [Signal("physical.device", "physical", "device")]
        if verb in STATE_VERBS:
            out.append(Signal("physical.device_state", "Execute", f"{verb},device"))
        return out
    return []


def _device_platform_action(f: ToolFeatures, verb: str | None) -> list[Signal]:
    """A device action named without a device word: an IoT platform's message, direct method or fleet job
    (``send_c2d_message``, ``invoke_module_method``, ``create_job``), or a home hub's service call
    (``call_service``, ``entity_action``). Reading them (``get_job``, ``list_services``) is not acting."""
    if verb in READ_VERBS:
        return []
    iot = "iot" in (f.server_words | f.name_set | f.desc_set)
    if iot and verb in DEVICE_ACT_VERBS and f.name_set & DEVICE_ACTS and f.desc_set & plain("device devices fleet"):
        why = f"{verb},{','.join(sorted(f.name_set & DEVICE_ACTS))}"
        return [Signal("physical.device_platform", "physical", why), Signal("physical.device_platform", "Execute", why)]
    hub = (f.server_words | f.name_set) & HOME_HUBS or (f.desc_set >= {"home", "assistant"} and "ha" in f.server_words)
    acts = f.name_set & HUB_ACTS
    if hub and acts:
        why = ",".join(sorted(acts))
        return [Signal("physical.home_hub", "physical", why), Signal("physical.home_hub", "Execute", why)]
    return []
