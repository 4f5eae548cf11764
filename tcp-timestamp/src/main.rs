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
//! `server.rs` and `client.rs` are the two Python files; this file picks
//! one, and holds what both share: the argument check and the error
//! wording. Differences from the article: ctime is UTC (std cannot read the
//! local time zone); the address can be given; end of input ends the client
//! cleanly; text that is not UTF-8 gets replacement characters, control
//! characters the server sent are shown escaped; the client refuses a line
//! longer than the server's 1024-byte read and gives up on a server silent
//! for 10 s; the server drops a client that takes no answer for 10 s.

mod client;
mod server;

use std::{env, ffi::OsString, fmt::Display, io, io::Write, process};

const DEFAULT_ADDR: &str = "127.0.0.1:25677";
const USAGE: &str = "usage: tcp-timestamp server [ADDR]   (answers `[<time>] <text>`, one client at a time)
       tcp-timestamp client [ADDR]   (ADDR: HOST:PORT, default 127.0.0.1:25677; 0.0.0.0:PORT: all interfaces)";
const NO_ROLE: &str = "say which side to run: `cargo run -p tcp-timestamp -- server` in one terminal, \
                       then `cargo run -p tcp-timestamp -- client` in another";

fn main() {
    let (role, addr) = args(env::args_os().skip(1).collect());
    if let Err(e) = if role == "server" {
        server::run(&addr)
    } else {
        client::run(&addr)
    } {
        let _ = writeln!(io::stderr(), "tcp-timestamp {role}: {e}");
        process::exit(1);
    }
}

/// The role and ADDR on the command line. Otherwise prints the usage and
/// exits: 0 for `-h`/`--help`, 2 after a line that says what is wrong.
fn args(args: Vec<OsString>) -> (String, String) {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        let _ = writeln!(io::stdout(), "{USAGE}"); // a closed stdout is no reason to panic
        process::exit(0);
    }
    let words: Vec<&str> = args.iter().map_while(|a| a.to_str()).collect();
    let why = match (
        args.get(words.len()),
        words.iter().find(|w| w.starts_with('-')),
        &words[..],
    ) {
        (Some(bad), ..) => format!("argument `{}` is not valid UTF-8", bad.to_string_lossy()),
        (_, Some(option), _) => format!("unknown option `{option}`"),
        (.., []) => NO_ROLE.into(),
        (.., [role, ..]) if *role != "server" && *role != "client" => {
            format!("unknown role `{role}`: expected `server` or `client`")
        }
        (.., [_, _, extra, ..]) => format!("unexpected argument `{extra}`"),
        (.., [role]) => return (role.to_string(), DEFAULT_ADDR.into()),
        (.., [role, addr]) => match bad_addr(addr) {
            Some(why) => format!("bad ADDR `{addr}`: {why}"),
            None => return (role.to_string(), addr.to_string()),
        },
    };
    let _ = writeln!(io::stderr(), "tcp-timestamp: {why}\n\n{USAGE}");
    process::exit(2)
}

/// What is wrong with `addr` as HOST:PORT, if anything.
fn bad_addr(addr: &str) -> Option<String> {
    let (host, port) = addr.rsplit_once(':').unwrap_or(("", addr));
    let digits = !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit());
    match (digits, addr.contains(':'), port.parse::<u16>()) {
        (false, false, _) => Some("no port: expected HOST:PORT".into()),
        (false, true, _) => Some(format!("port `{port}` is not a number")),
        (true, _, Err(_)) => Some(format!("port {port} is out of range (0-65535)")),
        (true, _, Ok(_)) => host
            .is_empty()
            .then(|| format!("no host: did you mean 127.0.0.1:{port}?")),
    }
}

/// `e` as one line a person reads: what failed, where, the OS error, and a
/// hint chosen by its kind. A timeout is `WouldBlock` on Unix, `TimedOut`
/// on Windows.
fn context(action: &str, addr: impl Display, e: io::Error) -> io::Error {
    use io::ErrorKind::*;
    let hint = match e.kind() {
        ConnectionRefused => {
            "; is the server running? start it with `cargo run -p tcp-timestamp -- server`"
        }
        AddrInUse => {
            "; address in use: is another server running? pass another ADDR, e.g. 127.0.0.1:0"
        }
        WouldBlock | TimedOut => {
            "; nothing for 10 s: is the peer stuck, or a one-at-a-time server busy with another client?"
        }
        _ => "",
    };
    io::Error::new(e.kind(), format!("{action} {addr}: {e}{hint}"))
}
