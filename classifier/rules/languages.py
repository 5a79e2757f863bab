"""Action verbs in other languages, mapped to the English verbs the rule families know.

Why: servers name and describe tools in Chinese, Japanese, Korean, Spanish, Portuguese, French, German and
Italian too (``eliminar_archivo``, "查询交易状态"). Without this the rules see no action in them and the tool
falls to the model, which has few such words. Only the common action verbs are listed: each maps to one
English verb whose category the shared lexicon (``rules.base``) already decides.
"""

from __future__ import annotations

import unicodedata

# Latin-script verbs, accents stripped, in the forms names and descriptions use (infinitive, 3rd person).
LATIN_VERBS: dict[str, str] = {}
for _english, _forms in {
    "get": "obtener obtiene obter obtem obtenir obtient abrufen ruft ottieni ottenere recupera recuperar",
    "list": "listar lista liste lister listet auflisten elenca elencare",
    "search": "buscar busca rechercher recherche suchen sucht cercare cerca pesquisar pesquisa",
    "query": "consultar consulta",
    "delete": "eliminar elimina borrar borra excluir exclui supprimer supprime loschen loscht cancella "
    "cancellare apagar apaga",
    "create": "crear crea criar cria creer cree erstellen erstellt creare",
    "send": "enviar envia envoyer envoie senden sendet inviare invia",
    "execute": "ejecutar ejecuta executar executa executer ausfuhren fuhrt eseguire esegue",
    "run": "correr",
    "pay": "pagar paga payer paie bezahlen bezahlt pagare",
    "update": "actualizar actualiza atualizar atualiza aktualisieren aktualisiert aggiornare aggiorna",
    "download": "descargar descarga baixar telecharger herunterladen scaricare scarica",
    "upload": "subir sube carregar televerser hochladen caricare",
    "transfer": "transferir transfiere transfere transferer uberweisen",
    "cancel": "cancelar cancela annuler annule stornieren",
    "translate": "traducir traduce traduzir traduire ubersetzen tradurre",
}.items():
    for _form in _forms.split():
        LATIN_VERBS[_form] = _english

# CJK verbs: found as substrings at the start of a description (these scripts put no spaces between words).
CJK_VERBS: tuple[tuple[str, str], ...] = (
    ("查询", "query"),
    ("获取", "get"),
    ("检索", "search"),
    ("搜索", "search"),
    ("读取", "read"),
    ("列出", "list"),
    ("删除", "delete"),
    ("创建", "create"),
    ("新建", "create"),
    ("添加", "add"),
    ("更新", "update"),
    ("修改", "update"),
    ("发送", "send"),
    ("执行", "execute"),
    ("运行", "run"),
    ("支付", "pay"),
    ("转账", "transfer"),
    ("生成", "generate"),
    ("转换", "convert"),
    ("转成", "convert"),
    ("下载", "download"),
    ("上传", "upload"),
    ("取消", "cancel"),
    ("启动", "start"),
    ("停止", "stop"),
    ("部署", "deploy"),
    ("取得", "get"),
    ("検索", "search"),
    ("削除", "delete"),
    ("作成", "create"),
    ("送信", "send"),
    ("実行", "execute"),
    ("조회", "get"),
    ("검색", "search"),
    ("삭제", "delete"),
    ("생성", "create"),
    ("전송", "send"),
    ("실행", "execute"),
)
CJK_HEAD = 16  # characters of a description searched for a CJK verb


def strip_accents(word: str) -> str:
    """``löscht`` -> ``loscht``, ``créer`` -> ``creer``: the lexicon is written without accents."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def foreign_lead_verb(description: str) -> str | None:
    """The English verb a non-English description starts with, or None."""
    if not description:
        return None
    head = description[:CJK_HEAD]
    if any(ord(c) > 0x2E80 for c in head):
        found = [(head.find(cjk), english) for cjk, english in CJK_VERBS if cjk in head]
        return min(found)[1] if found else None
    for word in description[:60].split()[:2]:
        english = LATIN_VERBS.get(strip_accents(word.strip(".,:;!?()\"'")).lower())
        if english is not None:
            return english
    return None
