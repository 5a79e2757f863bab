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


def detect(f: ToolFeatures) -> list[Signal]:
    hits = f.name_set & INFRA_NAMES
    if (
        not hits
        and f.name_set & plain("database databases db")
        and f.desc_set & MANAGED
        and f.name_set & plain("create delete provision destroy")
    ):
        return [Signal("infrastructure.managed_database", "infrastructure", ",".join(sorted(f.desc_set & MANAGED)))]
    if (
        not hits
        and f.desc_set & plain("docker kubernetes k8s")
        and (f.desc_set | f.param_words) & plain("container containers pod pods")
    ):
        return [
            Signal(
                "infrastructure.container_context",
                "infrastructure",
                ",".join(sorted(f.desc_set & plain("docker kubernetes k8s"))),
            )
        ]
    if not hits and f.name_set & plain("aws gcp azure") and f.name_set & plain("resource resources"):
        return [
            Signal(
                "infrastructure.cloud_resources",
                "infrastructure",
                ",".join(sorted(f.name_set & plain("aws gcp azure"))),
            )
        ]
    platform = (f.name_set | f.server_words) & PLATFORMS
    if platform == {"azure"} and (f.name_set | f.server_words | f.desc_set) & plain("devops ado boards repos"):
        platform = set()  # Azure DevOps: projects, repositories, pipelines and work items of a dev service
    if not hits and platform and not f.name_set.isdisjoint(PLATFORM_RESOURCES):
        return [Signal("infrastructure.platform_resource", "infrastructure", ",".join(sorted(platform)))]
    if not hits and f.name_set >= {"security", "group"}:
        return [Signal("infrastructure.resource", "infrastructure", "security,group")]
    if not hits:
        return []
    strong = hits - WEAK_NAMES
    lifecycle = f.name_set & plain("start stop reboot restart resize terminate scale provision deprovision")
    if not strong and not lifecycle and not (f.desc_set | f.param_words | f.server_words) & CONTEXT:
        return []
    return [Signal("infrastructure.resource", "infrastructure", ",".join(sorted(hits)))]
