//! tcp-timestamp: the TCP timestamp server and client of article 004
//! (Python网络编程之初识TCP,UDP; Python originals `ts_tcp_server.py` and
//! `ts_tcp_client.py`). The server answers every message with
//! `[<ctime>] <message>`; the client sends what you type.
//!
//! ```text
//! cargo run -p tcp-timestamp -- server       # terminal 1: 127.0.0.1:25677
//! cargo run -p tcp-timestamp -- client       # terminal 2: type, get it back stamped
//! ```
//!
//! `server.rs` and `client.rs` are the two Python files; this file reads
//! the arguments, picks one, and holds what they share: errors and the
//! console. Differences from the article:
//! - ctime is UTC (std cannot read the local time zone); the address can be given;
//! - text that is not UTF-8 gets replacement characters, control
//!   characters from the peer are shown escaped, one trailing newline dropped;
//! - the client refuses a line over the server's 1024-byte read and asks
//!   again, ends cleanly at end of input, and waits at most 10 s to connect
//!   and for each answer;
//! - the server lets a client silent for 5 minutes go (IDLE_SECS=N: N
//!   seconds), and one that takes no answer for 10 s; the error of one
//!   client is one line on stderr, and the server goes on with the next;
//! - the server prints `Listening on HOST:PORT` first; a bare PORT (`25677`)
//!   is bad usage, where the Python took `[HOST:]PORT`;
//! - with stdin piped (no Enter echoed), the client ends each prompt's line
//!   itself: `> ` then a newline, then the answer, where Python prints
//!   `> [...]` on one line;
//! - a server that closes ends the client with exit 0 and one line on
//!   stderr, `server ADDR closed the connection`.

mod client;
mod server;

use std::io::{self, BufRead, ErrorKind, IsTerminal, Read, Write};
use std::{env, process};

const DEFAULT_ADDR: &str = "127.0.0.1:25677";
const USAGE: &str = "usage: tcp-timestamp server [ADDR]   (answers `[<time>] <text>`, one client at a time)
       tcp-timestamp client [ADDR]   (ADDR: HOST:PORT, default 127.0.0.1:25677; 0.0.0.0:PORT: all interfaces)";
const NO_ROLE: &str = "say which side to run: `cargo run -p tcp-timestamp -- server` in one terminal, \
                       then `cargo run -p tcp-timestamp -- client` in another";
/// The most the server reads at once (`BUFSIZ`): the longest line the client sends.
const LINE_MAX: usize = 1024;

fn main() {
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
        warn(&role, &e.to_string());
        process::exit(1);
    }
}

// ---- arguments

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
    quit(2, &format!("tcp-timestamp: {why}\n\n{USAGE}"))
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

// ---- errors

/// `e` as one line a person reads: what was being done, where, the OS
/// error, and a hint chosen by its kind.
fn context(doing: &str, place: &str, e: io::Error) -> io::Error {
    let hint = match e.kind() {
        ErrorKind::ConnectionRefused => {
            "; is the server running? start it with `cargo run -p tcp-timestamp -- server`"
        }
        ErrorKind::AddrInUse => {
            "; address in use: is another server running? pass another ADDR, e.g. 127.0.0.1:0"
        }
        ErrorKind::PermissionDenied => {
            "; that port may be reserved (below 1024 needs root on Unix): pass another ADDR"
        }
        // A timeout is WouldBlock on Unix, TimedOut on Windows (and for a connect).
        ErrorKind::WouldBlock | ErrorKind::TimedOut => {
            "; nothing for 10 s: is the peer stuck, or a one-at-a-time server busy with another client?"
        }
        _ => "",
    };
    io::Error::new(e.kind(), format!("{doing} {place}: {e}{hint}"))
}

/// One line on stderr, `tcp-timestamp ROLE: what`; a closed stderr is no
/// reason to stop.
fn warn(role: &str, what: &str) {
    let _ = writeln!(io::stderr(), "tcp-timestamp {role}: {what}");
}

// ---- the console

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

/// input(prompt): one line from the keyboard, without its newline, or
/// `None` at end of input (where Python raises EOFError). A line longer
/// than the server reads at once (recv(1024)) is refused, skipped to its
/// newline, and asked again, so no read grows without bound.
fn input(prompt_text: &str) -> io::Result<Option<String>> {
    let mut stdin = io::stdin().lock();
    loop {
        prompt(prompt_text)?;
        let mut line = Vec::new();
        // At most LINE_MAX bytes and the "\r\n" that ends them.
        // (&mut stdin): take() borrows stdin instead of using it up
        let n = (&mut stdin)
            .take(LINE_MAX as u64 + 2)
            .read_until(b'\n', &mut line)
            .map_err(console)?;
        if n == 0 {
            print("")?; // end the prompt's line
            return Ok(None);
        }
        if !io::stdin().is_terminal() {
            print("")?; // no Enter was echoed: end the prompt's line ourselves
        }
        if !line.ends_with(b"\n") && n == LINE_MAX + 2 {
            stdin.skip_until(b'\n').map_err(console)?; // the rest of a line too long
        }
        let text = String::from_utf8_lossy(trim_newline(&line)).into_owned();
        if text.len() > LINE_MAX {
            warn(
                "client",
                "not sent: a line is at most 1024 bytes, what the server reads at once; type less",
            );
            continue;
        }
        return Ok(Some(text));
    }
}

/// What a peer sent, as a line for the terminal: lossy UTF-8, one trailing
/// newline dropped, every control character but tab escaped (`\u{1b}`) so a
/// peer cannot drive the terminal.
fn show(data: &[u8]) -> String {
    let text = String::from_utf8_lossy(trim_newline(data));
    let mut shown = String::new();
    for c in text.chars() {
        if c.is_control() && c != '\t' {
            shown.push_str(&c.escape_unicode().to_string());
        } else {
            shown.push(c);
        }
    }
    shown
}

/// `data` without one trailing `\n` or `\r\n`.
fn trim_newline(data: &[u8]) -> &[u8] {
    if let Some(line) = data.strip_suffix(b"\r\n") {
        return line;
    }
    data.strip_suffix(b"\n").unwrap_or(data)
}
