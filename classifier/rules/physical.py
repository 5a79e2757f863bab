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


def detect(f: ToolFeatures) -> list[Signal]:
    actions = name_actions(f)
    verb = actions[0] if actions else None
    devices = f.name_set & DEVICES
    device_named = "device" in f.name_set or not f.name_set.isdisjoint(DEVICE_STATE)
    if not devices and not device_named:
        return []  # neither branch below can fire
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
