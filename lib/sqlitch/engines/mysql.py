"""The MySQL/MariaDB engine: hooks for :class:`sqlitch.engines.base.Engine`.

Like Sqitch, the registry is a database of its own on the target's server
(``sqitch`` unless ``--registry``/``engine.mysql.registry`` says otherwise);
registry connections get Sqitch's session settings (utf8, UTC, its sql_mode)
and every registry transaction locks the registry tables, as Sqitch's
``begin_work`` does. Change scripts run through the ``mysql`` client with
Sqitch's options and variables (``SET @"k" = 'v'`` before ``source``), the
password in ``MYSQL_PWD`` and never on the command line; or in-process over
PyMySQL (:mod:`sqlitch.engines.mysql_driver`), split into statements as the
client splits them.

The destination lock is ``GET_LOCK('sqitch working on <database>')`` on the
registry connection, taken after the registry is created if need be, so a
first deploy prints no "Adding registry tables" line (Sqitch behaves so).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from sqlitch.engines.base import Engine
from sqlitch.engines.dialect import REGISTRY_TABLES, Dialect
from sqlitch.errors import SqlitchError, hurl

if TYPE_CHECKING:
    from sqlitch.engines.runners import ScriptRunner
    from sqlitch.target import DbUri

# Server error numbers (mysqld_error.h / errmsg.h).
ER_BAD_DB_ERROR = 1049
ER_NO_SUCH_TABLE = 1146
ER_BAD_TABLE_ERROR = 1051
ER_UNKNOWN_TABLE = 1109
ER_BAD_FIELD_ERROR = 1054
ER_DUP_ENTRY = 1062
ER_BINLOG_CREATE_ROUTINE_NEED_SUPER = 1419
CR_ERROR_FIRST = 2000  # client library errors start here
CR_CONN_HOST_ERROR = 2003

SQL_MODE = ",".join(
    (
        "ansi",
        "strict_trans_tables",
        "no_auto_value_on_zero",
        "no_zero_date",
        "no_zero_in_date",
        "only_full_group_by",
        "error_for_division_by_zero",
    )
)

# MySQL has no CHECK constraints before 8.0.16; Sqitch's registry triggers
# don't need this function since 1.5, but verify scripts use it.
CHECKIT_FUNCTION = """CREATE FUNCTION checkit(doit INTEGER, message VARCHAR(256))
RETURNS INTEGER DETERMINISTIC
BEGIN
    IF doit IS NULL OR doit = 0 THEN
        SIGNAL SQLSTATE 'ERR0R' SET MESSAGE_TEXT = message;
    END IF;
    RETURN doit;
END"""


class MysqlDialect(Dialect):
    """MySQL registry SQL: %s placeholders, server clock, locked transactions."""

    placeholder: ClassVar[str] = "%s"
    # LOCK TABLES first: it would commit a transaction begun before it.
    begin_statements: tuple[str, ...] = (
        "LOCK TABLES " + ", ".join(f"{t} WRITE" for t in REGISTRY_TABLES),
        "SET autocommit = 0",
    )
    commit_statements: ClassVar[tuple[str, ...]] = ("COMMIT", "SET autocommit = 1", "UNLOCK TABLES")
    # As Sqitch: the tables stay locked until the work is finished.
    rollback_statements: ClassVar[tuple[str, ...]] = ("ROLLBACK", "SET autocommit = 1")
    session_statements: tuple[str, ...] = (
        "SET SESSION character_set_client = 'utf8'",
        "SET SESSION character_set_server = 'utf8'",
        "SET SESSION default_storage_engine = 'InnoDB'",
        "SET SESSION time_zone = '+00:00'",
        "SET SESSION group_concat_max_len = 32768",
        f"SET SESSION sql_mode = '{SQL_MODE}'",
    )
    batch_statements = True
    version_query: ClassVar[str] = "SELECT CAST(ROUND(MAX(version), 1) AS CHAR) FROM {releases}"
    limit_all: ClassVar[str] = "18446744073709551615"
    now_sql = "utc_timestamp(6)"

    def listagg(self, expr: str) -> str:
        return f"GROUP_CONCAT({expr} ORDER BY {expr} SEPARATOR ' ')"

    def concat(self, *parts: str) -> str:
        return f"CONCAT({', '.join(parts)})"

    def planned_value(self, moment: datetime) -> object:
        return moment.astimezone(UTC).replace(tzinfo=None)

    def is_missing_table(self, exc: BaseException) -> bool:
        return error_code(exc) in (
            ER_BAD_DB_ERROR,
            ER_NO_SUCH_TABLE,
            ER_BAD_TABLE_ERROR,
            ER_UNKNOWN_TABLE,
        )

    def is_missing_column(self, exc: BaseException) -> bool:
        return error_code(exc) == ER_BAD_FIELD_ERROR

    def is_unique_violation(self, exc: BaseException) -> bool:
        return error_code(exc) == ER_DUP_ENTRY

    def error_text(self, exc: BaseException) -> str:
        return error_text(exc)


def error_code(exc: BaseException) -> int | None:
    """The server's error number of a PyMySQL error."""
    args: tuple[object, ...] = getattr(exc, "args", ())
    return args[0] if args and isinstance(args[0], int) else None


def error_text(exc: BaseException) -> str:
    """A PyMySQL error as the C client library words it (DBI's errstr)."""
    args: tuple[object, ...] = getattr(exc, "args", ())
    if len(args) < 2 or not isinstance(args[0], int):
        return str(exc)
    code, text = int(args[0]), str(args[1])
    if code == CR_CONN_HOST_ERROR:
        # PyMySQL: "Can't connect to MySQL server on 'h' ([Errno 111] Connection refused)"
        match = re.match(r"Can't connect to MySQL server on '([^']*)' \(\[Errno (-?\d+)\]", text)
        if match:
            host, errno = match.group(1), match.group(2)
            if errno.startswith("-"):
                # A getaddrinfo() failure (EAI_*): the client library's CR_UNKNOWN_HOST.
                return f"Unknown server host '{host}' ({errno})"
            return f"Can't connect to server on '{host}' ({errno})"
    return text


def client_error_text(exc: BaseException) -> str:
    """A server error at connection time as the mysql client prints it
    (``ERROR 1049 (42000): Unknown database 'x'``)."""
    code = error_code(exc)
    if code is None or code >= CR_ERROR_FIRST:
        return error_text(exc)
    state = getattr(exc, "sqlstate", None)
    head = f"ERROR {code} ({state})" if state else f"ERROR {code}"
    return f"{head}: {error_text(exc)}"


def server_version(info: str) -> tuple[bool, int]:
    """(is MariaDB, version as one number: 10.11.19 -> 101119) from a version string."""
    numbers = [int(n) for n in re.findall(r"\d+", info.split("-", 1)[0])[:3]]
    numbers += [0] * (3 - len(numbers))
    return "mariadb" in info.lower(), numbers[0] * 10000 + numbers[1] * 100 + numbers[2]


def option_files() -> list[Path]:
    """The option files the client reads, in order (later ones win)."""
    files = [Path("/etc/my.cnf"), Path("/etc/mysql/my.cnf")]
    if os.environ.get("MYSQL_HOME"):
        files.append(Path(os.environ["MYSQL_HOME"]) / "my.cnf")
    files.append(Path.home() / ".my.cnf")
    return files


def read_option_files(groups: tuple[str, ...] = ("client", "mysql")) -> dict[str, str]:
    """Settings of ``groups`` in the MySQL option files (what MySQL::Config gives Sqitch)."""
    found: dict[str, str] = {}
    for path in option_files():
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        group = ""
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line[0] in "#;!":
                continue
            if line.startswith("[") and line.endswith("]"):
                group = line[1:-1].strip().lower()
                continue
            if group not in groups:
                continue
            key, _, value = line.partition("=")
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            found[key.strip().replace("-", "_").lower()] = value
    return found


# URI query parameters Sqitch maps to client options (App::Sqitch::Engine::mysql).
_CLIENT_PARAMS: dict[str, tuple[str, bool]] = {
    "mysql_compression": ("--compress", False),
    "mysql_ssl": ("--ssl", False),
    "mysql_connect_timeout": ("--connect_timeout", True),
    "mysql_init_command": ("--init-command", True),
    "mysql_socket": ("--socket", True),
    "mysql_ssl_client_key": ("--ssl-key", True),
    "mysql_ssl_client_cert": ("--ssl-cert", True),
    "mysql_ssl_ca_file": ("--ssl-ca", True),
    "mysql_ssl_ca_path": ("--ssl-capath", True),
    "mysql_ssl_cipher": ("--ssl-cipher", True),
}

# Where servers put their socket (the client library's compiled-in defaults).
_SOCKETS = ("/run/mysqld/mysqld.sock", "/var/run/mysqld/mysqld.sock", "/tmp/mysql.sock")  # noqa: S108


class MysqlEngine(Engine):
    """MySQL and MariaDB: registry database on the server, scripts via mysql."""

    key = "mysql"
    display_name = "MySQL"
    #: DDL commits implicitly: the release row is written after the script.
    registry_ddl_transactional = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dialect = MysqlDialect(self.target.registry)
        self._mycnf: dict[str, str] | None = None
        self._server: tuple[bool, int] | None = None
        self._client_flags: list[str] | None = None
        self._warned_dbname = False

    # -- where and who ----------------------------------------------------------
    @property
    def uri(self) -> DbUri:
        """The target URI, with MYSQL_HOST/MYSQL_TCP_PORT where it has none."""
        uri, env = self.target.uri, self.target.env
        host = None if uri.host else env.get("MYSQL_HOST") or None
        port_text = None if uri.port is not None else env.get("MYSQL_TCP_PORT")
        port = int(port_text) if port_text and port_text.isdigit() else None
        if host or port:
            uri = uri.with_parts(host=host, port=port)
        return uri

    @property
    def registry_uri(self) -> DbUri:
        return self.uri.with_parts(dbname=self.target.registry)

    def registry_destination(self) -> str:
        return self.registry_uri.without_password()

    @property
    def mycnf(self) -> dict[str, str]:
        if self._mycnf is None:
            self._mycnf = read_option_files()
        return self._mycnf

    @property
    def username(self) -> str:
        from sqlitch.config.identity import sysuser

        return self.target.username or self.mycnf.get("user") or sysuser(self.target.env) or ""

    @property
    def password(self) -> str | None:
        return (
            self.target.password
            or self.target.env.get("MYSQL_PWD")
            or os.environ.get("MYSQL_PWD")
            or self.mycnf.get("password")
            or None
        )

    def connect_params(self, database: str | None) -> dict[str, Any]:
        """PyMySQL connection arguments for ``database`` on the target's server."""
        uri = self.uri
        params: dict[str, Any] = {
            "user": self.username,
            "password": self.password or "",
            "database": database or None,
            "autocommit": True,
            "charset": "utf8mb4",
        }
        query = dict(uri.query_params)
        host = uri.host or self.mycnf.get("host") or None
        socket = (
            query.get("mysql_socket")
            or os.environ.get("MYSQL_UNIX_PORT")
            or self.mycnf.get("socket")
        )
        if host in (None, "localhost"):
            socket = socket or next((s for s in _SOCKETS if os.path.exists(s)), None)
        if socket and host in (None, "localhost"):
            params["unix_socket"] = socket
        params["host"] = host or "localhost"
        port = uri.port or self.mycnf.get("port")
        params["port"] = int(port) if port and str(port).isdigit() else 3306
        if query.get("mysql_connect_timeout", "").isdigit():
            params["connect_timeout"] = int(query["mysql_connect_timeout"])
        if query.get("mysql_init_command"):
            params["init_command"] = query["mysql_init_command"]
        ssl = {
            key: query[name]
            for name, key in (
                ("mysql_ssl_ca_file", "ca"),
                ("mysql_ssl_client_cert", "cert"),
                ("mysql_ssl_client_key", "key"),
                ("mysql_ssl_ca_path", "capath"),
                ("mysql_ssl_cipher", "cipher"),
            )
            if query.get(name)
        }
        if ssl or query.get("mysql_ssl") not in (None, "", "0"):
            params["ssl"] = ssl or {"check_hostname": False}
        if query.get("mysql_compression") not in (None, "", "0"):
            params["compress"] = True
        return params

    def connect(self, database: str | None, *, multi_statements: bool = False) -> Any:
        """A PyMySQL connection (autocommit); driver errors propagate."""
        from pymysql.constants import CLIENT

        params = self.connect_params(database)
        if multi_statements:
            params["client_flag"] = CLIENT.MULTI_STATEMENTS
        conn: Any = _connection_class()(**params)
        if self._server is None:
            self._server = server_version(conn.get_server_info())
        return conn

    def connect_like_client(self, database: str | None) -> Any:
        """A session like the one the mysql client opens for a script.

        Statements go as the client sends them (one call may hold several
        under a changed delimiter), values come back as the server's text for
        printing, and the character set is the client's: utf8mb3 for
        MariaDB's client in a UTF-8 locale, utf8mb4 for MySQL 8's.
        """
        params = self.connect_params(database)
        from pymysql.constants import CLIENT

        params["client_flag"] = CLIENT.MULTI_STATEMENTS
        params["conv"] = {}
        conn: Any = _connection_class()(**params)
        mariadb, _number = server_version(conn.get_server_info())
        if mariadb:
            conn.set_character_set("utf8mb3")
        return conn

    # -- versions ----------------------------------------------------------------
    def check_version(self, conn: Any) -> None:
        """Sqitch's minimum versions: MySQL 5.1.0, MariaDB 5.3."""
        mariadb, number = server_version(conn.get_server_info())
        dbms, want, text = ("MariaDB", 50300, "5.3") if mariadb else ("MySQL", 50100, "5.1.0")
        if number < want:
            raise hurl(
                f"Sqitch requires {dbms} {text} or higher; this is {conn.get_server_info()}",
                ident="mysql",
            )

    @property
    def server(self) -> tuple[bool, int]:
        """(MariaDB?, version number), learnt on the registry connection as Sqitch does."""
        if self._server is None:
            _ = self.registry.connection
        assert self._server is not None  # noqa: S101 - set by connect()
        return self._server

    @property
    def fractional_seconds(self) -> bool:
        mariadb, number = self.server
        return number >= (50305 if mariadb else 50604)

    # -- hooks -------------------------------------------------------------------
    def connect_registry(self) -> Any:
        conn = self.connect(self.target.registry, multi_statements=True)
        try:
            self.check_version(conn)
        except SqlitchError:
            conn.close()
            raise
        if not self.fractional_seconds:
            # Whole seconds: each row waits for the next second (prepare_to_log),
            # so registry writes go one by one.
            self.dialect.now_sql = "utc_timestamp"
            self.dialect.batch_statements = False
        return conn

    def translate_error(self, exc: Exception) -> SqlitchError | None:
        if type(exc).__module__.startswith("pymysql"):
            return SqlitchError(error_text(exc), ident="mysql")
        return None

    def registry_initialized(self) -> bool:
        from sqlitch.engines.registry import RegistryError

        try:
            found = self.registry.value(
                "SELECT COUNT(*) FROM information_schema.tables"
                " WHERE table_schema = ? AND table_name = ?",
                (self.target.registry, "changes"),
            )
        except RegistryError as exc:
            if exc.missing_table:
                return False
            raise
        return bool(found)

    @property
    def target_database(self) -> str:
        return self.uri.dbname or ""

    @property
    def registry_database(self) -> str | None:
        return self.target.registry

    def client_command(self, path: Path, database: str) -> list[str]:
        return [*self.client_argv(database), "--execute", f"{self.set_variables()}source {path}"]

    def client_argv(self, database: str) -> list[str]:
        """The client and its options for ``database``, before what to run."""
        argv = [self.target.client]
        if self.username:
            argv += ["--user", self.username]
        if database:
            argv += ["--database", database]
        uri = self.uri
        if uri.host:
            argv += ["--host", uri.host]
        if uri.port is not None:
            argv += ["--port", str(uri.port)]
        argv += self.client_flags()
        for name, value in uri.query_params:
            spec = _CLIENT_PARAMS.get(name)
            if spec is None:
                continue
            option, takes_value = spec
            if takes_value:
                argv += [option, value]
            elif value not in ("", "0"):
                argv.append(option)
        return argv

    def client_flags(self) -> list[str]:
        """Options that keep the client quiet and make MariaDB's stop at an error."""
        if self._client_flags is None:
            self._warn_missing_dbname()
            flags = ["--skip-pager", "--silent", "--skip-column-names", "--skip-line-numbers"]
            if _aborts_on_error(self.target.client):
                flags.append("--abort-source-on-error")
            self._client_flags = flags
        return self._client_flags

    def _warn_missing_dbname(self) -> None:
        """Sqitch's warning, given once when it first builds the client's
        command line (before any script or registry creation), whichever
        runner runs the scripts."""
        if not self.uri.dbname and not self._warned_dbname:
            self._warned_dbname = True
            self.out.warn(f'Database name missing in URI "{self.uri}"')

    def client_env(self) -> dict[str, str]:
        password = self.password
        return {"MYSQL_PWD": password} if password else {}

    def set_variables(self) -> str:
        """Sqitch's ``SET @"k" = 'v', ...;`` line for the script variables."""
        from sqlitch.engines.mysql_script import set_variables

        statement = set_variables(self.options.variables)
        return f"{statement};\n" if statement else ""

    def atomic_refusal(self) -> str | None:
        return (
            f"Cannot deploy or revert atomically on {self.display_name}: its DDL statements"
            " commit implicitly, so a failure could not be rolled back"
        )

    def driver_runner(self) -> ScriptRunner:
        from sqlitch.engines.mysql_driver import MysqlDriverRunner

        def connect() -> Any:
            self._warn_missing_dbname()
            return self.connect_like_client(self.target_database or None)

        return MysqlDriverRunner(connect, self.options.variables)

    def prepare_registry(self) -> None:
        """Create the registry database from a session on the target database,
        as Sqitch does (so an unknown target database fails here too)."""
        name = self.target.registry.replace('"', '""')
        create = f'SET sql_mode = ansi; CREATE DATABASE IF NOT EXISTS "{name}"'
        if self.uses_client():
            runner = self.client_runner(self.target_database)
            runner.execute([*self.client_argv(self.target_database), "--execute", create])
            return
        self._warn_missing_dbname()
        try:
            conn = self.connect(self.target_database or None)
        except Exception as exc:
            if type(exc).__module__.startswith("pymysql"):
                # Sqitch runs the client here: its wording.
                raise hurl(client_error_text(exc), ident="mysql") from None
            raise
        try:
            for statement in create.split("; "):
                conn.cursor().execute(statement)
        finally:
            conn.close()

    def edit_registry_sql(self, sql: str) -> str:
        """Old servers: no DATETIME precision, and before 5.5 no SIGNAL (the 5.5 block)."""
        if self.fractional_seconds and self.server[1] >= 50500:
            return sql
        sql = re.sub(r"DATETIME\(\d+\)", "DATETIME", sql)
        if self.server[1] < 50500:
            sql = re.sub(r"-- ## BEGIN 5[.]5.+?-- ## END 5[.]5", "", sql, flags=re.DOTALL)
        return sql

    def run_registry_script(self, path: Path) -> None:
        from sqlitch.engines.mysql_driver import MysqlDriverRunner

        runner = MysqlDriverRunner(
            lambda: self.connect_like_client(self.target.registry), self.options.variables
        )
        try:
            runner.run(path, quiet=True)
        finally:
            runner.close()

    def create_registry(self, release: float | None = None) -> None:
        super().create_registry(release)
        self._create_checkit()

    def _create_checkit(self) -> None:
        """checkit(), skipped with a warning where binary logging forbids it (Sqitch 1.5)."""
        if self.server[1] < 50500:
            return
        from sqlitch.engines.registry import RegistryError

        try:
            self.registry.execute(CHECKIT_FUNCTION)
        except RegistryError as exc:
            if error_code(exc.__cause__ or exc) != ER_BINLOG_CREATE_ROUTINE_NEED_SUPER:
                raise
            self.out.warn("Insufficient permissions to create the checkit() function; skipping.")

    def prepare_to_log(self, table: str, project: str) -> None:
        """Without fractional seconds, wait for the next second (as Sqitch does)."""
        if self.fractional_seconds:
            return
        while self.registry.value(
            f"SELECT UNIX_TIMESTAMP(committed_at) >= UNIX_TIMESTAMP() FROM {{{table}}}"  # noqa: S608
            " WHERE project = ? ORDER BY committed_at DESC LIMIT 1",
            (project,),
        ):
            time.sleep(0.1)

    # -- locking -----------------------------------------------------------------
    @property
    def lock_name(self) -> str:
        return "sqitch working on " + (self.uri.dbname or "")

    def try_lock(self) -> bool:
        # As Sqitch: the lock lives on the registry connection, so make the registry first.
        if not self.registry_initialized():
            self.initialize()
        return bool(self.registry.value("SELECT get_lock(?, 0)", (self.lock_name,)) == 1)

    def wait_lock(self, timeout: float) -> bool:
        found = self.registry.value("SELECT get_lock(?, ?)", (self.lock_name, timeout))
        return bool(found == 1)

    def release_lock(self) -> None:
        if self._registry is not None:
            self.registry.value("SELECT release_lock(?)", (self.lock_name,))

    # -- dry runs and --sql files -------------------------------------------------
    def connect_registry_read_only(self) -> Any:
        """A registry connection whose transactions are read-only (a missing
        registry database fails to connect: no registry)."""
        conn = self.connect_registry()
        cursor = conn.cursor()
        try:
            cursor.execute("SET SESSION TRANSACTION READ ONLY")
        except Exception as exc:  # a server too old to say so
            if not type(exc).__module__.startswith("pymysql"):
                raise
        finally:
            cursor.close()
        return conn

    def _connect_target(self) -> Any:
        """A connection to the target database, a driver error as Sqitch words it."""
        try:
            return self.connect(self.target_database or None)
        except Exception as exc:
            if type(exc).__module__.startswith("pymysql"):
                raise hurl(error_text(exc), ident="mysql") from None
            raise

    def _learn_server(self) -> None:
        """The server's version, from the target database when there is no
        registry database to connect to."""
        if self._server is not None:
            return
        conn = self._connect_target()
        conn.close()

    def script_registry_dialect(self) -> Dialect:
        self._learn_server()
        name = self.target.registry.replace('"', '""')
        dialect = self.dialect.qualified(f'"{name}".')
        dialect.begin_statements = (
            "LOCK TABLES " + ", ".join(f"{dialect.table(t)} WRITE" for t in REGISTRY_TABLES),
            *dialect.begin_statements[1:],
        )
        dialect.batch_statements = False
        dialect.now_sql = "utc_timestamp(6)" if self.fractional_seconds else "utc_timestamp"
        return dialect

    def script_literal(self, sql: str, params: Sequence[object]) -> str:
        """Values escaped as PyMySQL escapes them for the registry connection."""
        from pymysql.converters import escape_item

        return sql % tuple(escape_item(value, "utf8mb4") for value in params)

    def script_preamble(self) -> str:
        return self.set_variables()

    @staticmethod
    def _registry_session(lines: list[str]) -> str:
        """``lines`` run with the registry connection's settings, the client
        session's own put back afterwards."""
        saved = ("sql_mode", "time_zone", "character_set_client", "character_set_results")
        save = ", ".join(f"@sqlitch_{n} = @@SESSION.{n}" for n in (*saved, "collation_connection"))
        restore = ", ".join(f"{n} = @sqlitch_{n}" for n in (*saved, "collation_connection"))
        head = [f"SET {save};", "SET NAMES utf8mb4;"]
        head.append(f"SET SESSION time_zone = '+00:00', sql_mode = '{SQL_MODE}';")
        return "\n".join([*head, *lines, f"SET SESSION {restore};"]) + "\n"

    def script_registry_block(self, statements: list[str]) -> str:
        return self._registry_session([f"{statement};" for statement in statements])

    def script_registry_creation(self) -> str:
        """The registry database, its tables (created from a session on it)
        and checkit(), then back to the target database."""
        self._learn_server()
        name = self.target.registry
        sql = self.edit_registry_sql(self.sql_file("registry.sql").read_text(encoding="utf-8"))
        lines = [
            "SET SESSION sql_mode = ansi;",
            f"CREATE DATABASE IF NOT EXISTS {_quoted(name, DQ)};",
            f"USE {_quoted(name, BQ)};",
            sql.rstrip(),
        ]
        if self.server[1] >= 50500:
            lines += [
                f"SET SESSION sql_mode = '{SQL_MODE}';",
                "DELIMITER //",
                CHECKIT_FUNCTION,
                "//",
                "DELIMITER ;",
            ]
        if self.target_database:
            lines.append(f"USE {_quoted(self.target_database, BQ)};")
        return self._registry_session(lines)

    def script_change(self, text: str) -> str:
        """The client sends a statement left unterminated at the end of the
        file, and a new run starts with the ``;`` delimiter: so does the next
        script here."""
        from sqlitch.engines.mysql_script import script_end

        delimiter, pending = script_end(text)
        text = super().script_change(text)
        if pending:
            text += delimiter + "\n"
        if delimiter != ";":
            text += "DELIMITER ;\n"
        return text

    def script_run_hint(self, file: str) -> str:
        import shlex

        return f"{shlex.join(self.client_argv(self.target_database))} < {file}"


DQ, BQ = '"', "`"


def _quoted(name: str, quote: str) -> str:
    """An identifier in ``quote`` characters (doubled inside)."""
    return quote + name.replace(quote, quote * 2) + quote


@cache
def _connection_class() -> type[Any]:
    """PyMySQL's connection, without loading CA certificates it will not check.

    Without SSL options PyMySQL tries TLS and falls back to plain text,
    verifying nothing; it still loads the system CA bundle for that, which
    costs tens of milliseconds per connection.
    """
    import ssl

    import pymysql

    class Connection(pymysql.connections.Connection):
        def _create_ssl_ctx(self, sslp: Any) -> Any:
            if sslp:
                return super()._create_ssl_ctx(sslp)  # type: ignore[misc]
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            return ctx

    return Connection


def _aborts_on_error(client: str) -> bool:
    """Whether the client is a MariaDB one that has --abort-source-on-error (5.5.66+)."""
    import subprocess

    try:
        done = subprocess.run(
            [client, "--version"], capture_output=True, text=True, check=False, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return False
    info = done.stdout
    if "mariadb" not in info.lower():
        return False
    match = re.search(r"(?:Ver|client)\s+(\S+)", info)
    if not match:
        return False
    # Leading digits of each part, as Perl's numeric conversion reads "66-MariaDB".
    parts = [int("0" + re.sub(r"\D.*", "", p)) for p in match.group(1).split(".")[:3]]
    parts += [0] * (3 - len(parts))
    major, _minor, patch = parts
    return major > 5 or (major == 5 and patch >= 66)
