//! udp-timestamp: the UDP timestamp server and client of article 004
//! (Python网络编程之初识TCP,UDP; Python originals `ts_udp_server.py` and
//! `ts_udp_client.py`). The server answers every datagram with the time
//! alone (no echo, as in the article); the client sends what you type.
//!
//! ```text
//! cargo run -p udp-timestamp -- server       # terminal 1: 127.0.0.1:23135
//! cargo run -p udp-timestamp -- client       # terminal 2: type, get the time back
//! ```
//!
//! `server.rs` and `client.rs` are the two Python files; this file reads
//! the arguments, picks one, and holds what both use: errors and printing.
//!
//! Differences from the article:
//! - ctime is UTC (std cannot read the local time zone);
//! - the server listens on 127.0.0.1, not every interface; the address can
//!   be given, as HOST:PORT: a bare PORT (`23135`) is bad usage, where the
//!   Python took `[HOST:]PORT`;
//! - the client's default is 127.0.0.1:23135, not SPEC's `localhost:23135`,
//!   so that the two defaults always meet (the Python's AF_INET socket
//!   reaches 127.0.0.1 for `localhost`, where our client would take ::1 if
//!   the name gives it first);
//! - the server prints `Listening on HOST:PORT` first, and an IPv6 sender
//!   as Python prints one, `('::1', PORT, 0, 0)` (the article's socket is
//!   IPv4 only);
//! - the server goes on after an error with one client, with one line on
//!   stderr; bytes that are not UTF-8 become replacement characters (the
//!   Python raises);
//! - the client sends to the first address its name resolves to, from a
//!   socket of that family (the server given the same name binds that
//!   address), and connects its socket, so it hears its server only, learns
//!   at once when no server is there, and gives up after 10 s without a
//!   reply;
//! - a typed line over 1024 bytes is asked again; end of input ends the
//!   client cleanly; a reply's trailing newline is dropped and its control
//!   characters shown escaped.

mod client;
mod server;

use std::io::{self, ErrorKind, Write};
use std::{env, process};

/// The article's address for both sides, but the server's HOST '' (every
/// interface) is 127.0.0.1 here, reachable from this machine only; and the
/// client's 'localhost' is 127.0.0.1 too, what the Python's AF_INET socket
/// reaches: where `localhost` names ::1 first, the two defaults still meet.
const DEFAULT_ADDR: &str = "127.0.0.1:23135";
const USAGE: &str = "usage: udp-timestamp server [ADDR]   (default 127.0.0.1:23135; everywhere: 0.0.0.0:PORT)
       udp-timestamp client [ADDR]   (default 127.0.0.1:23135; gives up after 10 s without a reply)";
const NO_ROLE: &str = "say which side to run: `cargo run -p udp-timestamp -- server` in one terminal, \
                       then `cargo run -p udp-timestamp -- client` in another";

fn main() {
    // The role and ADDR from the command line; `--help` and mistakes end here.
    let mut role = None;
    let mut addr = None;
    for arg in env::args_os().skip(1) {
        match arg.to_str() {
            Some("-h" | "--help") => quit(0, USAGE),
            None => usage_error(&format!(
                "argument `{}` is not valid UTF-8",
                arg.to_string_lossy()
            )),
            Some(a) if a.starts_with('-') => usage_error(&format!("unknown option `{a}`")),
            Some("server") if role.is_none() => role = Some("server".to_string()),
            Some("client") if role.is_none() => role = Some("client".to_string()),
            Some(a) if role.is_none() => usage_error(&format!(
                "unknown role `{a}`: expected `server` or `client`"
            )),
            Some(a) if addr.is_some() => usage_error(&format!("unexpected argument `{a}`")),
            Some(a) if !is_host_port(a) => usage_error(&format!(
                "bad ADDR `{a}`: expected HOST:PORT, e.g. 127.0.0.1:9999"
            )),
            Some(a) => addr = Some(a.to_string()),
        }
    }
    let role = match role {
        Some(role) => role,
        None => usage_error(NO_ROLE),
    };
    let addr = addr.unwrap_or_else(|| DEFAULT_ADDR.to_string());
    let result = if role == "server" {
        server::run(&addr)
    } else {
        client::run(&addr)
    };
    if let Err(e) = result {
        quit(1, &format!("udp-timestamp {role}: {e}"));
    }
}

/// HOST:PORT with a host, and a port of digits only (`+80` is no port) up to 65535.
fn is_host_port(a: &str) -> bool {
    match a.rsplit_once(':') {
        Some((host, port)) => {
            !host.is_empty()
                && port.bytes().all(|b| b.is_ascii_digit())
                && port.parse::<u16>().is_ok()
        }
        None => false,
    }
}

/// Bad usage: what is wrong, a blank line, the usage; exit 2.
fn usage_error(why: &str) -> ! {
    quit(2, &format!("udp-timestamp: {why}\n\n{USAGE}"))
}

/// Ends the program: `--help` (code 0) on stdout, anything else on stderr.
fn quit(code: i32, text: &str) -> ! {
    if code == 0 {
        let _ = writeln!(io::stdout(), "{text}"); // a closed stdout is no reason to panic
    } else {
        let _ = writeln!(io::stderr(), "{text}");
    }
    process::exit(code)
}

/// `e` as one line a person reads: what was being done, where, the OS
/// error, and a hint chosen by its kind.
fn context(doing: &str, place: &str, e: io::Error) -> io::Error {
    let start = "is the server running? start it with `cargo run -p udp-timestamp -- server`";
    let hint = match e.kind() {
        // "Port unreachable" on a connected UDP socket: ConnectionRefused on
        // Linux and macOS, ConnectionReset on Windows.
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionReset => {
            format!("; port unreachable: {start}")
        }
        ErrorKind::AddrInUse => "; address in use: pass another ADDR, e.g. 127.0.0.1:0".to_string(),
        // A read timeout is WouldBlock on Unix, TimedOut on Windows.
        ErrorKind::WouldBlock | ErrorKind::TimedOut => format!("; no answer within 10 s: {start}"),
        _ => String::new(),
    };
    io::Error::new(e.kind(), format!("{doing} {place}: {e}{hint}"))
}

/// print(): one line on stdout. A stdout that fails (a full disk,
/// `> /dev/full`) ends the program; one whose reader has gone (`| head -1`)
/// does not: the line is dropped and the program goes on.
fn print(line: &str) -> io::Result<()> {
    match writeln!(io::stdout(), "{line}") {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => Err(console(e)),
        _ => Ok(()),
    }
}

/// input()'s prompt: it has no newline, so it is flushed to be seen at once.
fn prompt(text: &str) -> io::Result<()> {
    let mut stdout = io::stdout();
    let result = match write!(stdout, "{text}") {
        Ok(()) => stdout.flush(),
        Err(e) => Err(e),
    };
    match result {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => Err(console(e)),
        _ => Ok(()),
    }
}

/// The error of a console that cannot be used.
fn console(e: io::Error) -> io::Error {
    context("cannot use", "the console (stdin/stdout)", e)
}

/// A line of its own on stderr, `udp-timestamp ROLE: WHAT`; a closed
/// stderr is no reason to stop.
fn warn(role: &str, what: &str) {
    let _ = writeln!(io::stderr(), "udp-timestamp {role}: {what}");
}
