"""filesystem: tools that read or write the local file system.

Files of a remote service (a GitHub repository, a Drive, an S3 bucket) are not the local file system; paths,
directories and local documents are.
"""

from __future__ import annotations

import re

from classifier.features import ToolFeatures
from classifier.rules.base import VERB_CATEGORY, Signal, name_actions
from classifier.text import plain

FILE_NAMES = plain(
    "file files directory directories dir dirs folder folders path paths filesystem fs filename workspace"
)
PATH_PARAMS = plain(
    """path paths file_path filepath file filename file_name directory dir dirpath directory_path folder
    folder_path source_path destination_path dest_path output_path input_path target_path src dest
    destination source_file target_file output_file input_file output_dir outputdir root_path root
    working_directory cwd workdir file_paths filenames save_path download_path image_path"""
)
REMOTE = plain(
    """github gitlab bitbucket drive gdrive dropbox s3 bucket repo repository sharepoint onedrive box notion slack
    confluence jira gist remote cloud url blob storage sftp ftp azure gcs figma airtable canvas
    firestore firebase collection collections artifact artifacts jenkins mailbox mailboxes
    imap"""
)
LOCAL = plain("local locally disk filesystem directory directories folder folders vault workspace")


# Parameters that name where the tool writes its result: a tool that takes one writes the file system.
OUTPUT_PARAMS = plain(
    """output_path outputpath output_dir outputdir output_file outputfile save_path savepath download_path
    dest_path destination_path output_folder outputfolder out_dir outdir output_directory outputdirectory
    save_to save_dir savedir localpath local_path"""
)
CAPTURES = plain("screenshot screenshots snapshot capture")  # taxonomy.md: taking a screenshot is a Read
SAVING_VERBS = plain("download export save backup convert render")
# "Returns the file content inline (base64 or text)": a download handed back in the reply, not saved to disk.
INLINE = re.compile(r"\binline\b|\bbase64\b")
# "HTTP: GET /folder/{folder_id}": the tool calls a service's REST route; its folders and files are the service's.
REST_ROUTE = re.compile(r"\b(?:get|post|put|patch|delete) /", re.IGNORECASE)
SAVE_PHRASES = ("to a local file", "to local file", "to disk", "save it to", "saves it to", "saved to", "to the local")


def _saves_locally(f: ToolFeatures, params: frozenset[str]) -> list[Signal]:
    """Downloading or exporting into a local path writes the file system: a Write, not a Read."""
    actions = name_actions(f)
    outputs = f.param_names & OUTPUT_PARAMS
    if outputs and (not actions or VERB_CATEGORY.get(actions[0]) == "Read") and f.name_set.isdisjoint(CAPTURES):
        why = "param:" + ",".join(sorted(outputs))
        return [Signal("filesystem.saves_file", "Write", why), Signal("filesystem.saves_file", "filesystem", why)]
    if not actions or actions[0] not in SAVING_VERBS:
        return []
    if INLINE.search(f.description) and not f.param_names & OUTPUT_PARAMS:
        return []
    out_params = params & plain(
        "output_path save_path download_path output_dir outputdir dest destination dest_path destination_path local_path path dir directory folder filename"
    )
    phrase = next((p for p in SAVE_PHRASES if p in f.description), None)
    if not (out_params or phrase):
        return []
    why = phrase or "param:" + ",".join(sorted(out_params))
    return [
        Signal("filesystem.saves_file", "Write", f"{actions[0]},{why}"),
        Signal("filesystem.saves_file", "filesystem", why),
    ]


# Services that keep files and folders of their own (a repository host, a cloud drive, a mailbox).
HOSTED = plain(
    """github gitlab bitbucket gitea gitee drive gdrive dropbox onedrive sharepoint box confluence jira figma airtable
    s3 gcs sftp ftp imap mailbox mailboxes azure devops"""
)
# Words that say where in a tree a thing is, on a disk or in a repository alike.
LOCATION_WORDS = plain("directory directories folder folders")
DISK_WORDS = plain("file files directory directories folder folders path paths disk local")
PATH_WORDS = plain("path paths dir directory folder filepath filename root vault")
# Servers that edit local document files: a bare ``filename`` parameter there names a file on disk.
LOCAL_DOCUMENTS = plain("word docx office excel xlsx pptx powerpoint pdf spreadsheet")
# "Set a JSON value at a given path", "a direct REST API call" with ``path`` + ``method``: the path is inside
# a document or an API, not on the disk.
JSON_PATH = re.compile(r"json ?path", re.IGNORECASE)
SHELL_ONLY = plain("cwd working_directory workdir")


# "jsonPath", "xpath", "url_path": a path into a document or a URL, not on the disk.
NOT_FILE_PATHS = plain("json jsonpath xpath url api route endpoint jq")


def _path_params(f: ToolFeatures) -> frozenset[str]:
    """Parameters that name a local path: the known names, and any whose last word is path/dir/folder."""
    if f.param_words.isdisjoint(PATH_WORDS):  # the parameters' words hold every last word: none is a path word
        return f.param_names & PATH_PARAMS
    named = {
        p.name
        for p in f.params
        if p.top and p.words and p.words[-1] in PATH_WORDS and NOT_FILE_PATHS.isdisjoint(p.words)
    }
    return (f.param_names & PATH_PARAMS) | frozenset(named)


def detect(f: ToolFeatures) -> list[Signal]:
    path_params = _path_params(f)
    if not path_params and f.name_set.isdisjoint(FILE_NAMES):
        return []  # no path parameter and no file in the name: nothing to look at
    saved = _saves_locally(f, path_params | f.param_names & plain("local_path"))
    if saved:
        return saved
    if REST_ROUTE.search(f.description):
        return []  # a REST route of a service: its folders and files are not the disk
    # A remote word that only comes from a path parameter's own name ("repo_path") names a local checkout.
    path_words = {w for p in f.params if p.name in path_params for w in p.words}
    context = f.name_set | (f.param_words - path_words) | f.desc_set
    remote = context & REMOTE
    local = f.desc_set & LOCAL or "local" in f.name_set or "local" in f.param_words
    hosted = (context | f.server_words) & HOSTED
    if hosted and local and not (f.desc_set & LOCAL - LOCATION_WORDS or "local" in f.name_set | f.param_words):
        local = set()  # "List files and directories at a repository path" of Bitbucket: the repository's folders
        remote = remote | hosted
    names = f.name_set & FILE_NAMES
    if names == {"workspace"} and not (f.desc_set | f.param_desc_words | f.param_words) & DISK_WORDS:
        return []  # a service's workspace (Slack, Trello, Asana), not a folder on the disk
    params = path_params - SHELL_ONLY
    if params == {"path"} and not names and ("method" in f.param_names or JSON_PATH.search(f.description)):
        return []  # a JSON path or an API path
    if params & plain("filename file_name") and f.server_words & LOCAL_DOCUMENTS and not remote:
        return [Signal("filesystem.document_file", "filesystem", ",".join(sorted(f.server_words & LOCAL_DOCUMENTS)))]
    if remote and not local:
        return []
    explicit = {p for p in params if "path" in p or "dir" in p or "folder" in p}
    if explicit and not names:
        return [Signal("filesystem.path_parameter", "filesystem", "param:" + ",".join(sorted(explicit)))]
    if names and (params or local or not f.params):
        return [Signal("filesystem.file_tool", "filesystem", ",".join(sorted(names | params)))]
    if params and (
        local or (f.desc_set | f.param_desc_words) & plain("file files directory folder path document docx")
    ):
        return [Signal("filesystem.path_parameter", "filesystem", "param:" + ",".join(sorted(params)))]
    return []
