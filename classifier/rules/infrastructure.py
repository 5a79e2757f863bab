"""infrastructure: tools that manage cloud, compute, network or cluster resources.

Pods, clusters, containers, VMs, DNS records, load balancers, functions and buckets: listing them is a Read
with infrastructure, changing them a Write with infrastructure (High), destroying them Destructive.
"""

from __future__ import annotations

from classifier.features import ToolFeatures
from classifier.rules.base import Signal
from classifier.text import plain

INFRA_NAMES = plain(
    """kubernetes k8s kubectl pod pods deployment deployments namespace namespaces cluster clusters node nodes
    container containers docker compose vm vms instance instances ec2 dns vpc subnet subnets firewall
    loadbalancer balancer ingress terraform helm lambda droplet droplets volume volumes kube service services
    statefulset daemonset replicaset cronjob configmap configmaps secretref ecs eks gke aks fargate cloudformation
    stack stacks autoscaling vercel netlify heroku railway flyio cloudflare bucket buckets function functions worker workers zone zones
    record records server servers machine machines vmss lightsail route53 nginx ansible pulumi cdk sandbox
    sandboxes image images network networks port ports proxy tunnel registry kafka topic topics queue queues exchange exchanges"""
)
# Words that are infrastructure only next to a clearer one ("list_records" alone is a CRM, not DNS).
WEAK_NAMES = plain(
    "node nodes service services record records server servers image images network networks port ports stack "
    "stacks zone zones worker workers volume volumes instance instances registry topic topics machine machines "
    "sandbox sandboxes proxy tunnel bucket buckets function functions cluster clusters namespace namespaces queue queues exchange exchanges"
)
CONTEXT = plain(
    """kubernetes k8s kubectl docker cloud aws gcp azure ec2 vpc dns terraform helm vm container
    containers pod pods digitalocean droplet compute infrastructure serverless deployment hosting vercel
    netlify cloudflare heroku nginx kafka rabbitmq amqp broker s3 gcs storage block lambda"""
)


# Cloud platforms whose resources (databases, buckets, apps, dynos, things...) are infrastructure.
PLATFORMS = plain(
    "cloudflare heroku neon vercel netlify supabase digitalocean aws azure gcp iot railway flyio d1 r2 ec2 ecs eks"
)
PLATFORM_RESOURCES = plain(
    """database databases bucket buckets branch branches app apps dyno dynos addon addons thing things job jobs
    device devices module modules deployment deployments worker workers domain domains zone zones instance
    instances function functions stack stacks queue queues certificate certificates endpoint endpoints
    fleet project projects service services environment environments"""
)
MANAGED = plain("online cloud hosted managed serverless provision provisioned region")
# Hosting platforms known by a word too common to match in a tool's name ("render_chart"): the server's name
# says it ("render-mcp"), and the tool's name names one of the platform's resources.
HOSTS_BY_SERVER = plain("render koyeb")
# "Azure DevOps": a platform word next to these is a developer service, whose projects, repositories,
# branches and pipelines are not cloud resources.
NOT_CLOUD = plain("devops")
# Infrastructure-as-code services (Terraform Cloud, Pulumi Cloud, Spacelift): their workspaces, stacks, runs
# and state are the infrastructure they apply. Their registries' provider and module docs are not (no match).
IAC = plain("terraform pulumi spacelift opentofu tofu atlantis")
IAC_RESOURCES = plain("workspace workspaces run runs state states stack stacks resource resources variable variables")
# A device's state on an IoT platform (shadows, twins, direct methods) is the device's, not the registry's:
# LABELLING.md infrastructure 2 (changing it is physical, by the physical family).
DEVICE_STATE = plain("shadow shadows twin twins method methods")
# What goes through a queue or topic is its content, not the resource (LABELLING.md infrastructure 3).
QUEUE_CONTENT = plain("message messages batch")
QUEUES = plain("queue queues topic topics")
# More resources a hosting or data platform runs for its customer: deployment pipelines, private spaces,
# KV namespaces, compute warehouses (next to a platform's name, as PLATFORM_RESOURCES).
MORE_PLATFORM_RESOURCES = plain("pipeline pipelines space spaces kvs namespace namespaces warehouse warehouses")
# A cloud's monitoring of its resources: alarms, metrics and log groups of CloudWatch, Azure Monitor...
MONITORING = plain("alarm alarms metric metrics log logs loggroup")
MONITORING_CLOUDS = plain("cloudwatch aws azure gcp")
# Documentation, guidance and price lists about a platform are not its resources (LABELLING.md infrastructure 3).
ABOUT_PLATFORM = plain("guide guides guidance docs documentation rules pricing price prices")


DATABASE_NAMES = plain("database databases db")
# A Cosmos DB "container" is a collection of documents (its partition key says so): a database's content,
# not a compute container (LABELLING.md infrastructure 3).
DOCUMENT_CONTAINERS = plain("cosmos cosmosdb partition")
CONTAINER_TOOLS = plain("docker kubernetes k8s")
CLOUDS = plain("aws gcp azure")
# Every branch of ``detect`` needs one of these name words or CONTAINER_TOOLS in the description (the platform
# branch needs a PLATFORM_RESOURCES word in the name); a new branch adds its trigger words here.
DEPLOYS = plain("deploys")
GATE_NAME_WORDS = (
    INFRA_NAMES
    | PLATFORM_RESOURCES
    | DATABASE_NAMES
    | CLOUDS
    | {"security"}
    | DEPLOYS
    | IAC_RESOURCES
    | MORE_PLATFORM_RESOURCES
    | MONITORING
)
GATE_DESC_WORDS = CONTAINER_TOOLS


def detect(f: ToolFeatures) -> list[Signal]:
    if not f.name_set.isdisjoint(ABOUT_PLATFORM):
        return []  # reading about a platform manages nothing
    if f.name_set.isdisjoint(GATE_NAME_WORDS) and f.desc_set.isdisjoint(GATE_DESC_WORDS):
        return []  # most tools: no branch below can fire
    hits = f.name_set & INFRA_NAMES
    if (
        not hits
        and f.name_set & DATABASE_NAMES
        and f.desc_set & MANAGED
        and f.name_set & plain("create delete provision destroy")
    ):
        return [Signal("infrastructure.managed_database", "infrastructure", ",".join(sorted(f.desc_set & MANAGED)))]
    if (
        not hits
        and f.desc_set & CONTAINER_TOOLS
        and (f.desc_set | f.param_words) & plain("container containers pod pods")
    ):
        return [
            Signal(
                "infrastructure.container_context",
                "infrastructure",
                ",".join(sorted(f.desc_set & CONTAINER_TOOLS)),
            )
        ]
    if not hits and f.name_set & CLOUDS and f.name_set & plain("resource resources"):
        return [
            Signal(
                "infrastructure.cloud_resources",
                "infrastructure",
                ",".join(sorted(f.name_set & CLOUDS)),
            )
        ]
    platform = f.name_set & PLATFORMS | f.server_words & PLATFORMS  # no union of a server's many words
    platform = platform | f.server_words & HOSTS_BY_SERVER
    if platform and not (f.name_set.isdisjoint(NOT_CLOUD) and f.server_words.isdisjoint(NOT_CLOUD)):
        platform = frozenset()
    if platform == {"azure"} and (f.name_set | f.server_words | f.desc_set) & plain("devops ado boards repos"):
        platform = frozenset()  # Azure DevOps: projects, repositories, pipelines and work items of a dev service
    if (
        not hits
        and platform
        and not f.name_set.isdisjoint(PLATFORM_RESOURCES | DEPLOYS)
        and f.name_set.isdisjoint(DEVICE_STATE)
    ):
        return [Signal("infrastructure.platform_resource", "infrastructure", ",".join(sorted(platform)))]
    if not hits and platform and not f.name_set.isdisjoint(MORE_PLATFORM_RESOURCES):
        return [Signal("infrastructure.platform_resource", "infrastructure", ",".join(sorted(platform)))]
    iac = (f.name_set | f.server_words) & IAC
    if not hits and iac and f.name_set & IAC_RESOURCES:
        return [
            Signal(
                "infrastructure.iac_resource", "infrastructure", ",".join(sorted(iac | (f.name_set & IAC_RESOURCES)))
            )
        ]
    monitored = f.name_set & MONITORING
    clouds = (f.name_set | f.server_words | f.desc_set) & MONITORING_CLOUDS
    if not hits and monitored and clouds:
        return [Signal("infrastructure.cloud_monitoring", "infrastructure", ",".join(sorted(clouds | monitored)))]
    if not hits and f.name_set >= {"security", "group"}:
        return [Signal("infrastructure.resource", "infrastructure", "security,group")]
    if not hits:
        return []
    if hits <= QUEUES and f.name_set & QUEUE_CONTENT:
        return []  # sending, reading or deleting a queue's messages
    if hits <= plain("container containers") and (f.desc_set | f.server_words | f.param_words) & DOCUMENT_CONTAINERS:
        return []  # a document database's containers
    strong = hits - WEAK_NAMES
    lifecycle = f.name_set & plain("start stop reboot restart resize terminate scale provision deprovision")
    if not strong and not lifecycle and not platform and not (f.desc_set | f.param_words | f.server_words) & CONTEXT:
        return []
    return [Signal("infrastructure.resource", "infrastructure", ",".join(sorted(hits)))]
