"""A fake Telegram Bot API server for tests: give python-telegram-bot `base_url=FakeTelegram.base_url`.

Faithful to Telegram (the parts the monitor must survive):
- URLs `/bot<token>/<method>` with case-insensitive method names; urlencoded, multipart or JSON parameters;
  answers `{"ok": true, "result": ...}` or `{"ok": false, "error_code", "description", "parameters"}` with
  the same HTTP status, so python-telegram-bot raises its real exceptions (RetryAfter, ChatMigrated,
  Forbidden, BadRequest, InvalidToken, NetworkError for 5xx, TimedOut when the client gives up).
- `parse_mode=HTML` follows TDLib's `parse_html`: the same accepted tags, the same error texts with UTF-8
  byte offsets, `&lt; &gt; &amp; &quot;` and numeric references (with or without `;`); any other `&...`
  stays literal, as in Telegram. Message lengths are counted in UTF-16 units after entity parsing.
- Flood limits as sliding windows over accepted sends, answered with 429 and `retry_after`.
- Blocked / kicked / deleted / migrated / unknown chats, "message is not modified", 64-byte callback data,
  webhook-vs-getUpdates conflict, long polling that wakes as soon as an update arrives.
- Telegram unavailable as a client meets it: an outage of the sends only or of every method (a long poll
  in progress ends with the outage's status, as when the proxy in front loses its upstream), requests
  that hang unanswered until the client's timeout, and a revoked token (401 Unauthorized to everything).

Simplified: only the methods the monitor uses exist; Markdown parse modes are not validated; images are not
decoded (any non-empty upload is a photo, URLs are not fetched); leading/trailing whitespace is not trimmed
from the stored text; `a href` URLs are not checked; rate limits count only accepted sends; delayed requests
are still processed after the delay (so a client that timed out may find its message delivered, as can
happen with Telegram). `fail_next`/`set_delay` without a method spare getUpdates, which a polling
application calls constantly. A bug in the fake answers 500 and is listed in `internal_errors`.
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import json
import math
import re
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

TOKEN = "123456:" + "A" * 35
BOT_ID = 123456
JSON = dict[str, Any]
_TOKEN_SHAPE = re.compile(r"\d+:[\w-]{30,}")
_JSON_FIELDS = frozenset(
    {"reply_markup", "link_preview_options", "commands", "scope", "allowed_updates", "entities"}
    | {"caption_entities", "reply_parameters"}
)
_STATUSES = frozenset({"creator", "administrator", "member", "restricted", "left", "kicked"})
_BUTTON_ACTIONS = frozenset({"url", "callback_data", "web_app", "login_url", "switch_inline_query", "pay"})
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same as a "
    "current content and reply markup of the message"
)
_CONTENT_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "editMessageText",
        "editMessageReplyMarkup",
        "answerCallbackQuery",
    }
)


class ApiError(Exception):
    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters

    def body(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        return body | {"parameters": self.parameters} if self.parameters else body


def _bad(description: str, parameters: JSON | None = None) -> ApiError:
    return ApiError(400, "Bad Request: " + description, parameters)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# --- TDLib's parse_html, on UTF-8 bytes because Telegram's error offsets are byte offsets -------------
class HtmlError(ValueError):
    """The reason Telegram gives after "can't parse entities: "."""


_TAGS = {"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline"}
_TAGS |= {"s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "span": "spoiler"}
_TAGS |= {"tg-spoiler": "spoiler", "a": "text_link", "code": "code", "pre": "pre", "blockquote": "blockquote"}
_TAGS |= {"tg-emoji": "custom_emoji"}
_SPACE = frozenset(b" \t\r\n\v\0")  # TDLib's is_space counts NUL, which is also its end of text
_LETTERS = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_NAME_TOKEN = _LETTERS | frozenset(b"0123456789.-")
_DIGITS, _HEX = frozenset(b"0123456789"), frozenset(b"0123456789abcdefABCDEF")
_NAMED = {b"lt": ord("<"), b"gt": ord(">"), b"amp": ord("&"), b"quot": ord('"')}


def _at(raw: bytes, i: int) -> int:
    return raw[i] if i < len(raw) else 0


def _reference(raw: bytes, pos: int) -> tuple[int, int] | None:
    """The code point of the character reference at pos and where it ends, or None: then '&' is literal."""
    end = pos + 1
    if _at(raw, end) == ord("#"):
        base = 16 if _at(raw, end + 1) == ord("x") else 10
        end = start = end + (2 if base == 16 else 1)
        while _at(raw, end) in (_HEX if base == 16 else _DIGITS):
            end += 1
        code = int(raw[start:end], base) if end > start else 0
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return None
    else:
        while _at(raw, end) in _LETTERS:
            end += 1
        if (named := _NAMED.get(raw[pos + 1 : end])) is None:
            return None
        code = named
    return code, end + (_at(raw, end) == ord(";"))


def _attribute_value(raw: bytes, i: int) -> tuple[str, int]:
    if _at(raw, i) not in b"'\"":
        start = i
        while _at(raw, i) in _NAME_TOKEN:
            i += 1
        if _at(raw, i) not in _SPACE and _at(raw, i) != ord(">"):
            raise HtmlError(f"Unexpected end of name token at byte offset {start}")
        return raw[start:i].lower().decode(), i
    quote, value = raw[i], bytearray()
    i += 1
    while _at(raw, i) not in (quote, 0):
        if raw[i] == ord("&") and (ref := _reference(raw, i)):
            value += chr(ref[0]).encode("utf-8", "surrogatepass")
            i = ref[1]
        else:
            value.append(raw[i])
            i += 1
    return value.decode("utf-8", "replace"), i + (_at(raw, i) == quote)


def _start_tag(raw: bytes, begin: int) -> tuple[str, str, int]:
    """Tag name, its argument (href, language, emoji id...) and the index of its closing '>'."""
    i = begin + 1
    while _at(raw, i) not in _SPACE and raw[i] != ord(">"):
        i += 1
    if _at(raw, i) == 0:
        raise HtmlError(f"Unclosed start tag at byte offset {begin}")
    tag = raw[begin + 1 : i].lower().decode("utf-8", "replace")
    if tag not in _TAGS:
        raise HtmlError(f'Unsupported start tag "{tag}" at byte offset {begin}')
    argument = ""
    while _at(raw, i) != ord(">"):
        while _at(raw, i) != 0 and raw[i] in _SPACE:
            i += 1
        if _at(raw, i) == ord(">"):
            break
        name_start = i
        while _at(raw, i) not in _SPACE and raw[i] not in b"=>/'\"":
            i += 1
        name = raw[name_start:i].decode("utf-8", "replace")
        if not name:
            raise HtmlError(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
        while _at(raw, i) != 0 and raw[i] in _SPACE:
            i += 1
        if _at(raw, i) != ord("="):
            if _at(raw, i) == 0:
                raise HtmlError(f'Unclosed start tag "{tag}" at byte offset {begin}')
            argument = "1" if (tag, name) == ("blockquote", "expandable") else argument
            continue
        i += 1
        while _at(raw, i) != 0 and raw[i] in _SPACE:
            i += 1
        if _at(raw, i) == 0:
            raise HtmlError(f'Unclosed start tag "{tag}" at byte offset {begin}')
        value, i = _attribute_value(raw, i)
        if _at(raw, i) == 0:
            raise HtmlError(f"Unclosed start tag at byte offset {begin}")
        if (tag, name) in {("a", "href"), ("tg-emoji", "emoji-id")}:
            argument = value
        elif (tag, name) == ("code", "class") and value.startswith("language-"):
            argument = value.removeprefix("language-")
        elif (tag, name) == ("span", "class") and value.startswith("tg-"):
            argument = value.removeprefix("tg-")
        elif (tag, name) == ("blockquote", "expandable"):
            argument = "1"
    if tag == "span" and argument != "spoiler":
        raise HtmlError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
    return tag, argument, i


@dataclass
class _Open:
    tag: str
    argument: str
    offset: int  # UTF-16 offset in the visible text
    position: int  # byte position in the visible text, for <a> without href


def _entity(opened: _Open, length: int, out: bytearray, entities: list[JSON]) -> None:
    entity: JSON = {"type": _TAGS[opened.tag], "offset": opened.offset, "length": length}
    last = entities[-1] if entities else {}
    same_span = (last.get("offset"), last.get("length")) == (opened.offset, length)
    if opened.tag == "a":
        url = opened.argument or out[opened.position :].decode("utf-8", "replace")
        if url:  # Telegram drops a link it cannot use rather than failing the message
            entities.append(entity | {"url": url})
    elif opened.tag == "tg-emoji":
        if not opened.argument.isdigit():
            raise HtmlError("Invalid custom emoji identifier specified")
        entities.append(entity | {"custom_emoji_id": opened.argument})
    elif opened.tag == "blockquote" and opened.argument:
        entities.append(entity | {"type": "expandable_blockquote"})
    elif opened.tag == "pre" and same_span and last["type"] == "code" and "language" in last:
        last["type"] = "pre"
    elif opened.tag == "code" and same_span and last["type"] == "pre" and opened.argument:
        last["language"] = opened.argument
    else:
        entities.append(entity | ({"language": opened.argument} if opened.tag == "code" else {}))


def parse_html(html: str) -> tuple[str, list[JSON]]:
    """Visible text and Bot API entities of an HTML-formatted text, or HtmlError as Telegram would say it."""
    raw, out, entities, stack = html.encode(), bytearray(), list[JSON](), list[_Open]()
    utf16, i = 0, 0
    while i < len(raw):
        c = raw[i]
        if c == ord("&") and (ref := _reference(raw, i)):
            out += chr(ref[0]).encode("utf-8", "surrogatepass")
            utf16, i = utf16 + (2 if ref[0] > 0xFFFF else 1), ref[1]
            continue
        if c != ord("<"):
            if c & 0xC0 != 0x80:  # first byte of a character; 4-byte characters are surrogate pairs
                utf16 += 2 if c >= 0xF0 else 1
            out.append(c)
            i += 1
            continue
        begin = i
        if _at(raw, i + 1) != ord("/"):
            tag, argument, i = _start_tag(raw, begin)
            stack.append(_Open(tag, argument, utf16, len(out)))
            i += 1
            continue
        if not stack:
            raise HtmlError(f"Unexpected end tag at byte offset {begin}")
        i += 2
        while _at(raw, i) not in _SPACE and raw[i] != ord(">"):
            i += 1
        end_tag = raw[begin + 2 : i].lower().decode("utf-8", "replace")
        while _at(raw, i) != 0 and raw[i] in _SPACE:
            i += 1
        if _at(raw, i) != ord(">"):
            raise HtmlError(f"Unclosed end tag at byte offset {begin}")
        opened = stack.pop()
        if end_tag and end_tag != opened.tag:
            raise HtmlError(
                f'Unmatched end tag at byte offset {begin}, expected "</{opened.tag}>", found "</{end_tag}>"'
            )
        if utf16 > opened.offset:
            _entity(opened, utf16 - opened.offset, out, entities)
        i += 1
    if stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    try:
        text = out.decode()
    except UnicodeDecodeError:
        raise HtmlError(
            "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched "
            "surrogate code units"
        ) from None
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)  # a language means something only for pre
    return text, sorted(entities, key=lambda e: (e["offset"], -e["length"]))


# --- world state ------------------------------------------------------------------------------------
class SlidingWindow:
    """Times of accepted sends within the last `seconds`, and how long until one more would fit."""

    def __init__(self, limit: int, seconds: float) -> None:
        self.limit, self.seconds, self._times = limit, seconds, deque[float]()

    def wait(self, now: float) -> float:
        while self._times and self._times[0] <= now - self.seconds:
            self._times.popleft()
        if len(self._times) < self.limit:
            return 0.0
        return self._times[len(self._times) - self.limit] + self.seconds - now

    def add(self, now: float) -> None:
        self._times.append(now)


@dataclass(frozen=True)
class SentMessage:
    chat_id: int
    message_id: int
    text: str  # as the bot sent it (markup included); the caption for photos
    parse_mode: str | None
    kind: str  # "message" | "photo" | "document" | "edit"
    photo_bytes: bytes | None  # the uploaded file (photo or document)
    reply_markup: JSON | None
    at: float  # time.monotonic() when accepted
    params: JSON = field(default_factory=dict, repr=False)


@dataclass
class _Chat:
    id: int
    type: str
    title: str
    members: dict[int, str] = field(default_factory=dict)
    forbidden: str | None = None
    migrated_to: int | None = None
    last_message_id: int = 0

    def json(self) -> JSON:
        name = "first_name" if self.type == "private" else "title"
        return {"id": self.id, "type": self.type, name: self.title}


@dataclass
class _Fault:
    method: str | None
    status: int
    description: str
    parameters: JSON | None


def _int(params: JSON, name: str) -> int:
    value = params.get(name)
    if value is None or value == "":
        raise _bad(f"{name} is empty")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _bad(f"invalid {name} specified") from None


def _check_length(visible: str, limit: int, empty: str | None, too_long: str) -> None:
    stripped = visible.strip()
    if empty and not stripped:
        raise _bad(empty)
    if utf16_len(stripped) > limit:
        raise _bad(too_long)


def _inline_markup(markup: Any) -> JSON | None:
    if markup is None or markup == "":
        return None
    if not isinstance(markup, dict):
        raise _bad("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return markup
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
    for button in (button for row in rows for button in row):
        if not isinstance(button, dict) or not isinstance(button.get("text"), str):
            raise _bad('can\'t parse inline keyboard button: Field "text" must be of type String')
        if "callback_data" in button and not 1 <= len(str(button["callback_data"]).encode()) <= 64:
            raise _bad("BUTTON_DATA_INVALID")
        if not button.keys() & _BUTTON_ACTIONS:
            raise _bad(
                "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
            )
    return markup


def _member_json(status: str, user: JSON) -> JSON:
    member: JSON = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        rights = ["manage_chat", "delete_messages", "manage_video_chats", "restrict_members", "change_info"]
        rights += ["invite_users", "post_stories", "edit_stories", "delete_stories", "pin_messages"]
        member |= {f"can_{right}": True for right in rights}
        member |= {"can_be_edited": False, "is_anonymous": False, "can_promote_members": False}
    elif status == "restricted":
        rights = ["change_info", "invite_users", "pin_messages", "send_messages", "send_polls", "edit_tag"]
        rights += ["send_other_messages", "add_web_page_previews", "manage_topics", "send_audios"]
        rights += ["send_documents", "send_photos", "send_videos", "send_video_notes", "send_voice_notes"]
        member |= {f"can_{right}": False for right in rights} | {"is_member": True, "until_date": 0}
    elif status == "kicked":
        member["until_date"] = 0
    return member


def _decode_params(query: str, content_type: str, body: bytes) -> JSON:
    params: JSON = dict(parse_qsl(query, keep_blank_values=True))
    kind = content_type.partition(";")[0].strip().lower()
    if kind == "multipart/form-data":
        head = b"Content-Type: " + content_type.encode() + b"\r\n\r\n"
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
        for part in message.walk():
            name, payload = (
                part.get_param("name", header="content-disposition"),
                part.get_payload(decode=True),
            )
            if isinstance(name, str) and isinstance(payload, bytes):
                params[name] = payload if part.get_filename() is not None else payload.decode()
                if part.get_filename() is not None:
                    params[f"{name}:filename"] = part.get_filename()
    elif kind == "application/json":
        params.update(json.loads(body or b"{}"))
    elif body:
        params.update(parse_qsl(body.decode(), keep_blank_values=True))
    for key in _JSON_FIELDS & params.keys():
        if isinstance(params[key], str):
            # malformed JSON stays text, so the method answers "can't parse" the way Telegram does
            with contextlib.suppress(ValueError):
                params[key] = json.loads(params[key])
    return params


class FakeTelegram:
    def __init__(
        self,
        *,
        limits: bool = True,
        per_second: int = 30,
        per_chat_second: int = 1,
        per_group_minute: int = 20,
    ) -> None:
        self.limits, self.per_chat_second, self.per_group_minute = limits, per_chat_second, per_group_minute
        self.base_url = ""
        self.bot_user: JSON = {"id": BOT_ID, "is_bot": True, "first_name": "Monitor"}
        self.bot_user |= {"username": "pledge_monitor_bot", "can_join_groups": True}
        self.bot_user |= {"can_read_all_group_messages": False, "supports_inline_queries": False}
        self.sent: list[SentMessage] = []
        self.requests: list[tuple[str, JSON]] = []
        self.commands: list[JSON] = []
        self.command_sets: dict[tuple[str, str], list[JSON]] = {}  # (scope type, language_code)
        self.answered_callbacks: list[JSON] = []
        self.rejected_429 = 0
        self.webhook_url: str | None = None
        self.internal_errors: list[str] = []
        self._cond = threading.Condition()  # the one lock; getUpdates waits on it for pushed updates
        self._stopping = threading.Event()
        self._chats: dict[int, _Chat] = {}
        self._users: dict[int, JSON] = {}
        self._messages: dict[tuple[int, int], JSON] = {}
        self._updates: list[JSON] = []
        self._last_update_id = 10_000
        self._allowed_updates: set[str] = set()
        self._callbacks: dict[str, JSON] = {}
        self._file_ids: set[str] = set()
        self._faults: list[_Fault] = []
        self._outage: int | None = None
        self._outage_everywhere = False
        self._hanging = False
        self._revoked = False
        self._delays: dict[str | None, float] = {}
        self._overall = SlidingWindow(per_second, 1.0)
        self._windows: dict[tuple[int, float], SlidingWindow] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        methods: dict[str, Callable[[JSON], Any]] = {
            "getMe": lambda p: self.bot_user,
            "logOut": lambda p: True,
            "close": lambda p: True,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "editMessageText": self._edit_text,
            "editMessageReplyMarkup": self._edit_markup,
            "answerCallbackQuery": self._answer_callback,
            "getUpdates": self._get_updates,
            "setMyCommands": self._set_commands,
            "getMyCommands": lambda p: self.command_sets.get(self._command_key(p), []),
            "deleteMyCommands": self._delete_commands,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": lambda p: (
                {"url": self.webhook_url or "", "has_custom_certificate": False}
                | {"pending_update_count": len(self._updates)}
            ),
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
        }
        self._methods = {name.lower(): (name, method) for name, method in methods.items()}

    # --- lifecycle ----------------------------------------------------------------------------------
    def start(self) -> None:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True  # a client's idle keep-alive connection must not keep the process up
        server.fake = self  # type: ignore[attr-defined]
        self._server, self._stopping = server, threading.Event()
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        self.base_url = f"http://127.0.0.1:{server.server_address[1]}/bot"

    def stop(self) -> None:
        self._stopping.set()
        with self._cond:
            self._cond.notify_all()  # long polls and delays return at once
        if self._server is not None and self._thread is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = self._thread = None

    def __enter__(self) -> FakeTelegram:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- world set-up -------------------------------------------------------------------------------
    def add_chat(self, chat_id: int, type: str | None = None, title: str | None = None) -> None:
        kind = type or ("private" if chat_id > 0 else "supergroup" if chat_id <= -(10**12) else "group")
        if (kind == "private") != (chat_id > 0):
            raise ValueError(f"chat {chat_id}: positive ids are private chats, negative ids groups")
        name = title or ("User" if kind == "private" else "Group")
        with self._cond:
            if chat_id in self._chats:  # keep its members, state and message ids
                self._chats[chat_id].type, self._chats[chat_id].title = kind, name
            else:
                self._chats[chat_id] = _Chat(chat_id, kind, name)

    def _chat_of(self, chat_id: int) -> _Chat:
        if chat_id not in self._chats:
            self.add_chat(chat_id)
        return self._chats[chat_id]

    def set_member(self, chat_id: int, user_id: int, status: str) -> None:
        if status not in _STATUSES:
            raise ValueError(f"unknown member status {status!r}")
        with self._cond:
            self._chat_of(chat_id).members[user_id] = status

    def block(self, chat_id: int, description: str = "Forbidden: bot was blocked by the user") -> None:
        with self._cond:
            self._chat_of(chat_id).forbidden = description

    def kick(self, chat_id: int) -> None:
        with self._cond:
            chat = self._chat_of(chat_id)
            kind = "supergroup" if chat.type == "supergroup" else "group"
            chat.forbidden = f"Forbidden: bot was kicked from the {kind} chat"

    def delete_chat(self, chat_id: int) -> None:
        self.block(chat_id, "Forbidden: the group chat was deleted")

    def migrate(self, old_chat_id: int, new_chat_id: int) -> None:
        with self._cond:
            old = self._chat_of(old_chat_id)
            self._chats[new_chat_id] = _Chat(new_chat_id, "supergroup", old.title, dict(old.members))
            old.migrated_to = new_chat_id

    # --- fault injection ----------------------------------------------------------------------------
    def fail_next(
        self,
        count: int,
        status: int = 502,
        description: str = "Bad Gateway",
        method: str | None = None,
        parameters: JSON | None = None,
    ) -> None:
        """The next `count` requests to `method` fail; None means any method but getUpdates, which a
        polling application calls all the time and would otherwise swallow the failures."""
        with self._cond:
            self._faults += [_Fault(method, status, description, parameters) for _ in range(count)]

    def set_outage(self, on: bool, status: int = 502, *, everything: bool = False) -> None:
        """While on, every send/edit/answer fails with `status` (getMe, getUpdates... still work); with
        `everything`, every method does, and a long poll waiting for updates ends with `status`."""
        with self._cond:
            self._outage = status if on else None
            self._outage_everywhere = on and everything
            self._cond.notify_all()

    def set_hang(self, on: bool) -> None:
        """While on, requests (every method, getUpdates included) are read but not answered, as behind a
        route that drops packets: the client's read timeout ends them. Turned off, those still held are
        answered (to clients that may have given up) and new ones are served again."""
        with self._cond:
            self._hanging = on
            self._cond.notify_all()

    def revoke_token(self, revoked: bool = True) -> None:
        """The configured token is revoked (@BotFather's /revoke): every method answers 401 Unauthorized,
        as Telegram does to a well-formed token it does not know."""
        with self._cond:
            self._revoked = revoked

    def set_delay(self, seconds: float, method: str | None = None) -> None:
        """Sleep before answering `method` (None: every method but getUpdates); 0 removes the delay."""
        with self._cond:
            self._delays[method] = seconds

    # --- users talking to the bot -------------------------------------------------------------------
    def _queue(self, update: JSON) -> int:
        self._last_update_id += 1
        self._updates.append({"update_id": self._last_update_id} | update)
        self._cond.notify_all()
        return self._last_update_id

    def push_message(
        self,
        user_id: int,
        chat_id: int,
        text: str,
        *,
        first_name: str = "User",
        chat_type: str | None = None,
        language_code: str | None = None,
    ) -> int:
        with self._cond:
            if chat_id not in self._chats:
                self.add_chat(chat_id, chat_type, first_name if chat_id > 0 else None)
            chat = self._chats[chat_id]
            user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
            self._users[user_id] = user | ({"language_code": language_code} if language_code else {})
            chat.last_message_id += 1
            message: JSON = {"message_id": chat.last_message_id, "from": self._users[user_id]}
            message |= {"chat": chat.json(), "date": int(time.time()), "text": text}
            commands = re.finditer(r"(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?", text)
            entities = [
                {"type": "bot_command", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m[0])}
                for m in commands
            ]
            self._messages[(chat_id, chat.last_message_id)] = message | (
                {"entities": entities} if entities else {}
            )
            return self._queue({"message": self._messages[(chat_id, chat.last_message_id)]})

    def push_callback(self, user_id: int, chat_id: int, message_id: int, data: str) -> int:
        with self._cond:
            message = self._messages.get((chat_id, message_id))
            if message is None or message["from"]["id"] != BOT_ID:
                raise ValueError(f"the bot sent no message {message_id} to chat {chat_id}")
            query_id = str(len(self._callbacks) + len(self.answered_callbacks) + 1)
            user = self._users.get(user_id, {"id": user_id, "is_bot": False, "first_name": "User"})
            query = {
                "id": query_id,
                "from": user,
                "message": message,
                "chat_instance": str(chat_id),
                "data": data,
            }
            self._callbacks[query_id] = query
            return self._queue({"callback_query": query})

    # --- what happened ------------------------------------------------------------------------------
    def messages_to(self, chat_id: int, kind: str | None = None) -> list[SentMessage]:
        with self._cond:
            return [m for m in self.sent if m.chat_id == chat_id and kind in (None, m.kind)]

    def visible_text(self, message: SentMessage) -> str:
        return parse_html(message.text)[0] if (message.parse_mode or "").lower() == "html" else message.text

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 10) -> bool:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)
        return True

    # --- request handling ---------------------------------------------------------------------------
    def handle(self, path: str, content_type: str, body: bytes) -> tuple[int, bytes]:
        """HTTP status and JSON body answering one request."""
        url = urlsplit(path)
        match = re.fullmatch(r"/bot([^/]+)/(\w+)", url.path)
        if match is None or (match[1] != TOKEN and not _TOKEN_SHAPE.fullmatch(match[1])):
            return 404, json.dumps(ApiError(404, "Not Found").body()).encode()  # as Telegram: malformed token
        if match[1] != TOKEN:
            return 401, json.dumps(ApiError(401, "Unauthorized").body()).encode()
        name, method = self._methods.get(match[2].lower(), (match[2], None))
        params = _decode_params(url.query, content_type, body)
        with self._cond:
            self.requests.append((name, params))
            if self._revoked:
                return 401, json.dumps(ApiError(401, "Unauthorized").body()).encode()
            delay = self._delays.get(name, 0.0 if name == "getUpdates" else self._delays.get(None, 0.0))
            while self._hanging and not self._stopping.is_set():
                self._cond.wait()
        if delay > 0:
            self._stopping.wait(delay)
        with self._cond:  # encoded under the lock: results are live state another request may edit
            status, answer = self._dispatch(name, method, params)
            return status, json.dumps(answer, ensure_ascii=False).encode()

    def _dispatch(self, name: str, method: Callable[[JSON], Any] | None, params: JSON) -> tuple[int, JSON]:
        try:
            if method is None:
                raise ApiError(404, "Not Found")
            self._inject_faults(name)
            return 200, {"ok": True, "result": method(params)}
        except ApiError as error:
            self.rejected_429 += error.status == 429
            return error.status, error.body()
        except Exception as error:  # a bug in the fake must reach the test, not kill the connection
            self.internal_errors.append(f"{name}: {error!r}")
            return 500, {"ok": False, "error_code": 500, "description": f"Internal Server Error: {error!r}"}

    def _inject_faults(self, name: str) -> None:
        for fault in self._faults:
            if fault.method == name or (fault.method is None and name != "getUpdates"):
                self._faults.remove(fault)
                raise ApiError(fault.status, fault.description, fault.parameters)
        if self._outage is not None and (self._outage_everywhere or name in _CONTENT_METHODS):
            raise ApiError(self._outage, HTTPStatus(self._outage).phrase)

    def _chat(self, params: JSON, *, writing: bool) -> _Chat:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise _bad("chat_id is empty")
        chat = self._chats.get(int(raw)) if re.fullmatch(r"-?\d+", str(raw)) else None
        if chat is None:
            raise _bad("chat not found")
        if chat.migrated_to is not None:
            raise _bad(
                "group chat was upgraded to a supergroup chat", {"migrate_to_chat_id": chat.migrated_to}
            )
        if chat.forbidden and (writing or chat.type != "private"):
            raise ApiError(403, chat.forbidden)
        return chat

    @staticmethod
    def _formatted(text: str, params: JSON, entities_field: str) -> tuple[str, list[JSON]]:
        mode = str(params.get("parse_mode") or "").lower()
        if mode == "html":
            try:
                return parse_html(text)
            except HtmlError as error:
                raise _bad(f"can't parse entities: {error}") from None
        if mode not in ("", "markdown", "markdownv2"):
            raise _bad("unsupported parse_mode")
        entities = params.get(entities_field)
        return text, entities if isinstance(entities, list) else []

    def _admit(self, chat_id: int) -> None:
        """Raise 429 when one more send to chat_id would break a flood limit, else count it."""
        if not self.limits:
            return
        now = time.monotonic()
        windows = [
            self._overall,
            self._windows.setdefault((chat_id, 1.0), SlidingWindow(self.per_chat_second, 1.0)),
        ]
        if chat_id < 0:
            windows.append(
                self._windows.setdefault((chat_id, 60.0), SlidingWindow(self.per_group_minute, 60.0))
            )
        wait = max(window.wait(now) for window in windows)
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise ApiError(429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds})
        for window in windows:
            window.add(now)

    def _record(self, kind: str, message: JSON, params: JSON, text: str, photo: bytes | None) -> JSON:
        chat_id, message_id = message["chat"]["id"], message["message_id"]
        parse_mode = params.get("parse_mode") or None
        markup, now = message.get("reply_markup"), time.monotonic()
        self.sent.append(SentMessage(chat_id, message_id, text, parse_mode, kind, photo, markup, now, params))
        return message

    def _new_message(self, chat: _Chat, content: JSON, markup: JSON | None) -> JSON:
        chat.last_message_id += 1
        sender = {key: self.bot_user[key] for key in ("id", "is_bot", "first_name", "username")}
        message: JSON = {"message_id": chat.last_message_id, "from": sender, "chat": chat.json()}
        message |= {"date": int(time.time())} | content | ({"reply_markup": markup} if markup else {})
        self._messages[(chat.id, chat.last_message_id)] = message
        return message

    def _send_message(self, params: JSON) -> JSON:
        chat = self._chat(params, writing=True)
        text = str(params.get("text") or "")
        visible, entities = self._formatted(text, params, "entities")
        _check_length(visible, 4096, "message text is empty", "message is too long")
        markup = _inline_markup(params.get("reply_markup"))
        self._admit(chat.id)
        content = {"text": visible} | ({"entities": entities} if entities else {})
        if isinstance(params.get("link_preview_options"), dict):
            content["link_preview_options"] = params["link_preview_options"]
        return self._record("message", self._new_message(chat, content, markup), params, text, None)

    def _send_photo(self, params: JSON) -> JSON:
        chat = self._chat(params, writing=True)
        photo = params.get("photo")
        if isinstance(photo, str) and photo.startswith("attach://"):
            photo = params.get(photo.removeprefix("attach://"))
        if photo is None or photo == "":
            raise _bad("there is no photo in the request")
        if photo == b"":
            raise _bad("file must be non-empty")
        if (
            isinstance(photo, str)
            and photo not in self._file_ids
            and not photo.startswith(("http://", "https://"))
        ):
            raise _bad("wrong file identifier/HTTP URL specified")
        caption = str(params.get("caption") or "")
        visible, entities = self._formatted(caption, params, "caption_entities")
        _check_length(visible, 1024, None, "message caption is too long")
        markup = _inline_markup(params.get("reply_markup"))
        self._admit(chat.id)
        file_id = (
            photo
            if isinstance(photo, str) and photo in self._file_ids
            else f"AgAC-fake-{len(self._file_ids)}"
        )
        self._file_ids.add(file_id)
        size = {"file_id": file_id, "file_unique_id": file_id[-8:], "width": 320, "height": 240}
        content: JSON = {"photo": [size | {"file_size": len(photo) if isinstance(photo, bytes) else 0}]}
        content |= {"caption": visible, "caption_entities": entities} if visible else {}
        data = photo if isinstance(photo, bytes) else None
        return self._record("photo", self._new_message(chat, content, markup), params, caption, data)

    def _send_document(self, params: JSON) -> JSON:
        """An uploaded file (at most 50 MB through the Bot API) with an optional caption."""
        chat = self._chat(params, writing=True)
        document = params.get("document")
        if not isinstance(document, bytes):
            raise _bad("there is no document in the request")
        if not document:
            raise _bad("file must be non-empty")
        if len(document) > 50 * 1024 * 1024:
            raise ApiError(413, "Request Entity Too Large")
        caption = str(params.get("caption") or "")
        visible, entities = self._formatted(caption, params, "caption_entities")
        _check_length(visible, 1024, None, "message caption is too long")
        self._admit(chat.id)
        name = str(params.get("document:filename") or "document")
        file_id = f"BQAC-fake-{len(self._file_ids)}"
        self._file_ids.add(file_id)
        content: JSON = {
            "document": {"file_id": file_id, "file_unique_id": file_id[-8:], "file_name": name}
            | {"file_size": len(document)}
        }
        content |= {"caption": visible, "caption_entities": entities} if visible else {}
        return self._record("document", self._new_message(chat, content, None), params, caption, document)

    def _bot_message(self, params: JSON) -> JSON:
        chat = self._chat(params, writing=True)
        message = self._messages.get((chat.id, _int(params, "message_id")))
        if message is None:
            raise _bad("message to edit not found")
        if message["from"]["id"] != BOT_ID:
            raise _bad("message can't be edited")
        return message

    def _edit_text(self, params: JSON) -> JSON:
        message = self._bot_message(params)
        if "text" not in message:
            raise _bad("there is no text in the message to edit")
        text = str(params.get("text") or "")
        visible, entities = self._formatted(text, params, "entities")
        _check_length(visible, 4096, "message text is empty", "message is too long")
        markup = _inline_markup(params.get("reply_markup"))  # leaving it out removes the keyboard
        if (visible, entities, markup) == (
            message["text"],
            message.get("entities", []),
            message.get("reply_markup"),
        ):
            raise _bad(_NOT_MODIFIED)
        message.pop("reply_markup", None)
        message.pop("entities", None)
        message |= {"text": visible, "edit_date": int(time.time())} | (
            {"entities": entities} if entities else {}
        )
        message |= {"reply_markup": markup} if markup else {}
        return self._record("edit", message, params, text, None)

    def _edit_markup(self, params: JSON) -> JSON:
        message = self._bot_message(params)
        markup = _inline_markup(params.get("reply_markup"))
        if markup == message.get("reply_markup"):
            raise _bad(_NOT_MODIFIED)
        message.pop("reply_markup", None)
        message |= {"edit_date": int(time.time())} | ({"reply_markup": markup} if markup else {})
        return message

    def _answer_callback(self, params: JSON) -> bool:
        if self._callbacks.pop(str(params.get("callback_query_id")), None) is None:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        self.answered_callbacks.append(params)
        return True

    def _get_updates(self, params: JSON) -> list[JSON]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
                "the webhook first",
            )
        offset, limit = int(params.get("offset") or 0), min(max(int(params.get("limit") or 100), 1), 100)
        if isinstance(params.get("allowed_updates"), list):
            self._allowed_updates = set(params["allowed_updates"])
        # an offset confirms every earlier update; a negative one keeps only the last -offset
        self._updates = (
            self._updates[offset:] if offset < 0 else [u for u in self._updates if u["update_id"] >= offset]
        )
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        while True:
            if self._allowed_updates:  # Telegram does not keep updates of types the bot did not ask for
                self._updates = [u for u in self._updates if u.keys() & self._allowed_updates]
            if self._outage is not None and self._outage_everywhere:
                raise ApiError(self._outage, HTTPStatus(self._outage).phrase)
            remaining = deadline - time.monotonic()
            if self._updates or remaining <= 0 or self._stopping.is_set():
                return self._updates[:limit]
            self._cond.wait(remaining)

    @staticmethod
    def _command_key(params: JSON) -> tuple[str, str]:
        scope = params.get("scope")
        return (
            scope.get("type", "default") if isinstance(scope, dict) else "default",
            params.get("language_code") or "",
        )

    def _set_commands(self, params: JSON) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or not all(isinstance(c, dict) for c in commands):
            raise _bad("can't parse commands JSON object")
        for command in commands:
            for missing in sorted({"command", "description"} - command.keys()):
                raise _bad(f"can't parse BotCommand: Can't find field \"{missing}\"")
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command["command"])):
                raise _bad("BOT_COMMAND_INVALID")
            if not str(command["description"]).strip():
                raise _bad("command description must be non-empty")
        self.commands = commands
        self.command_sets[self._command_key(params)] = commands
        return True

    def _delete_commands(self, params: JSON) -> bool:
        self.command_sets.pop(self._command_key(params), None)
        return True

    def _set_webhook(self, params: JSON) -> bool:
        self.webhook_url = str(params.get("url") or "") or None
        return True

    def _delete_webhook(self, params: JSON) -> bool:
        self.webhook_url = None
        if str(params.get("drop_pending_updates")).lower() == "true":
            self._updates.clear()
        return True

    def _get_chat(self, params: JSON) -> JSON:
        chat = self._chat(params, writing=False)
        gifts = dict.fromkeys(
            ["unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription"], False
        )
        extra = {
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": gifts | {"gifts_from_channels": False},
        }
        return chat.json() | extra

    def _get_chat_member(self, params: JSON) -> JSON:
        chat = self._chat(params, writing=False)
        user_id = _int(params, "user_id")
        default = "member" if user_id in (BOT_ID, chat.id) else "left"
        user = self.bot_user if user_id == BOT_ID else self._users.get(user_id)
        user = user or {"id": user_id, "is_bot": False, "first_name": "User"}
        return _member_json(chat.members.get(user_id, default), user)


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client killed mid-request (the SIGKILL test) resets its connection: not the server's fault.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as python-telegram-bot's httpx client expects of Telegram
    disable_nagle_algorithm = True  # else headers and body wait on delayed ACKs: 40 ms per request

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        fake: FakeTelegram = self.server.fake  # type: ignore[attr-defined]
        status, data = fake.handle(self.path, self.headers.get("Content-Type", ""), body)
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client gave up (timeout) before the answer; Telegram would not care either
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep pytest output clean
