"""physical: tools that act on physical devices or the physical world (lights, locks, robots, printers)."""

from __future__ import annotations

from classifier.features import ToolFeatures
from classifier.rules.base import READ_VERBS, Signal, lead_base, name_actions, primary_action
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


# Robots driven through ROS (the Robot Operating System): its actions, services and parameters move them.
ROBOTICS = plain("ros ros2 rosbridge robot robots turtlebot turtlesim moveit")
CHAT_BOTS = plain("message messages text markdown chat group webhook bot dingtalk wework lark feishu")
ROBOT_COMMANDS = plain("send call publish set cancel execute move drive stop command")
# A device's controllable state, named by a tool that sets it ("set_brightness", "set_colour_temp").
DEVICE_SETTINGS = plain("brightness color colour colourtemp colortemp temperature mode power scene volume speed on off")
# What a description's first words call the thing acted on ("Turn on a Tuya device", "Dim the kitchen lamp").
DESCRIBED_DEVICES = DEVICES | plain("device devices bulb bulbs")
CONTROL_VERBS = plain("turn set toggle dim switch power activate deactivate start stop play control")
# Phones and simulators are devices too, but tapping their screens is UI automation, not the physical world.
MOBILE = plain("screen app apps mobile simulator emulator phone android ios iphone ipad")
# What is started or stopped "on a device" without acting on the world: a process, a shell, media playback.
NOT_DEVICE_OBJECTS = plain(
    "process processes terminal shell session sessions command commands script playback track song"
)
# A home automation platform's automations, scenes, scripts and services switch its devices.
HOME_CONTROLS = plain("automation automations scene scenes script scripts service services")
HOME_PLATFORMS = plain("homeassistant hass smartthings homey hubitat openhab domoticz home")
# MQTT is the messaging protocol of IoT devices: what a tool publishes there, subscribed devices act on.
MQTT = plain("mqtt")


def _reaches_devices(f: ToolFeatures, verb: str | None) -> list[Signal]:
    """Device actions that the name alone does not say: the description names the device, the robot or MQTT.

    Why: IoT and robot servers name tools after the action ("turn_on", "set_brightness", "send_action_goal",
    "publish") and say only in the description what it acts on. Reading (a topic list, a parameter) acts on
    nothing, so only a command verb counts.
    """
    if verb is None and f.name_words and f.name_words[0] in CONTROL_VERBS:
        verb = f.name_words[0]  # "turn_on": a control word the shared verb lexicon does not hold
    if verb is None and f.description:
        lead_verb, _ = primary_action(f)  # "music": "Start music mode for a Tuya device"
        verb = lead_base(lead_verb) if lead_verb else None
    if verb is None and f.desc_words and f.desc_words[0] in CONTROL_VERBS:
        verb = f.desc_words[0]
    if verb is None or verb in READ_VERBS:
        return []
    lead = frozenset(f.desc_words[1:9])  # the words after the verb: "Switch to a tab" names no switch
    if (
        verb in CONTROL_VERBS
        and lead & DESCRIBED_DEVICES
        and not (lead | f.name_set) & (MOBILE | NOT_DEVICE_OBJECTS)
        and (f.name_set & DEVICE_SETTINGS or verb != "set")
    ):
        words = ",".join(sorted(lead & DESCRIBED_DEVICES))
        return [
            Signal("physical.device_control", "physical", words),
            Signal("physical.device_control", "Execute", f"{verb},{words}"),
        ]
    robot = f.name_set & ROBOTICS | f.desc_set & ROBOTICS  # the union's words, without building the union
    if robot and robot <= plain("robot robots") and (f.name_set | f.desc_set) & CHAT_BOTS:
        robot = frozenset()  # "Send a message via the WeWork group robot": a chat bot, not a machine
    if robot and verb in ROBOT_COMMANDS:
        words = ",".join(sorted(robot))
        return [
            Signal("physical.robot_command", "physical", words),
            Signal("physical.robot_command", "Execute", f"{verb},{words}"),
        ]
    if verb == "publish" and (f.name_set | f.desc_set | f.server_words) & MQTT:
        return [
            Signal("physical.mqtt_publish", "physical", "publish,mqtt"),
            Signal("physical.mqtt_publish", "Execute", "publish,mqtt"),
        ]
    return []


def detect(f: ToolFeatures) -> list[Signal]:
    actions = name_actions(f)
    verb = actions[0] if actions else ("control" if "control" in f.name_set else None)
    if verb == "control" and f.name_set & HOME_CONTROLS and (f.desc_set | f.server_words) & HOME_PLATFORMS:
        words = ",".join(sorted(f.name_set & HOME_CONTROLS))
        return [Signal("physical.home_control", "physical", words), Signal("physical.home_control", "Execute", words)]
    if verb in READ_VERBS and (f.name_set & DEVICES or "device" in f.name_set):
        return []  # reading a device's state or a robot's spec acts on nothing (taxonomy.md: "acts on")
    devices = f.name_set & DEVICES
    device_named = "device" in f.name_set or not f.name_set.isdisjoint(DEVICE_STATE)
    if not devices and not device_named:
        return _device_platform_action(f, verb) or _reaches_devices(f, verb)
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
    return _reaches_devices(f, verb)


def _device_platform_action(f: ToolFeatures, verb: str | None) -> list[Signal]:
    """A device action named without a device word: an IoT platform's message, direct method or fleet job
    (``send_c2d_message``, ``invoke_module_method``, ``create_job``), or a home hub's service call
    (``call_service``, ``entity_action``). Reading them (``get_job``, ``list_services``) is not acting."""
    if verb in READ_VERBS:
        return []
    iot = "iot" in f.server_words or "iot" in f.name_set or "iot" in f.desc_set
    if iot and verb in DEVICE_ACT_VERBS and f.name_set & DEVICE_ACTS and f.desc_set & plain("device devices fleet"):
        why = f"{verb},{','.join(sorted(f.name_set & DEVICE_ACTS))}"
        return [Signal("physical.device_platform", "physical", why), Signal("physical.device_platform", "Execute", why)]
    acts = f.name_set & HUB_ACTS
    if acts and (
        f.server_words & HOME_HUBS
        or f.name_set & HOME_HUBS
        or f.desc_set >= {"home", "assistant"}
        and "ha" in f.server_words
    ):
        why = ",".join(sorted(acts))
        return [Signal("physical.home_hub", "physical", why), Signal("physical.home_hub", "Execute", why)]
    return []
