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
//! `server.rs` and `client.rs` are the two Python files; this file picks
//! one, and holds what both share: the argument check and the error
//! wording. Differences from the article: ctime is UTC (std cannot read the
//! local time zone); the server listens on 127.0.0.1, not every interface;
//! the address can be given; end of input ends the client cleanly; the
//! client connects its socket, so it hears its server only and learns at
//! once when no server is there, and gives up after 3 s without a reply;
//! control characters in a reply are shown escaped.

mod client;
mod server;

use std::{env, ffi::OsString, io, io::Write, process};

const USAGE: &str =
    "usage: udp-timestamp server [ADDR]   (default 127.0.0.1:23135; everywhere: 0.0.0.0:PORT)
       udp-timestamp client [ADDR]   (default localhost:23135; gives up after 3 s without a reply)";
const NO_ROLE: &str = "say which side to run: `cargo run -p udp-timestamp -- server` in one terminal, \
                       then `cargo run -p udp-timestamp -- client` in another";

fn main() {
    let (role, addr) = args(env::args_os().skip(1).collect());
    if let Err(e) = if role == "server" {
        server::run(&addr)
    } else {
        client::run(&addr)
    } {
        let _ = writeln!(io::stderr(), "udp-timestamp {role}: {e}");
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
    let default = if words.first() == Some(&"server") {
        server::DEFAULT_ADDR
    } else {
        client::DEFAULT_ADDR
    };
    let why = match (
        args.get(words.len()),
        words.iter().find(|w| w.starts_with('-')),
        &words[..],
    ) {
        (Some(bad), ..) => format!("argument `{}` is not valid UTF-8", bad.to_string_lossy()),
        (_, Some(option), _) => format!("unknown option `{option}`"),
        (.., []) => NO_ROLE.into(),
        (.., [role @ ("server" | "client")]) => return (role.to_string(), default.into()),
        (.., [role @ ("server" | "client"), addr]) => match bad_addr(addr) {
            Some(why) => format!("bad ADDR `{addr}`: {why}"),
            None => return (role.to_string(), addr.to_string()),
        },
        (.., ["server" | "client", _, extra, ..]) => format!("unexpected argument `{extra}`"),
        (.., [role, ..]) => format!("unknown role `{role}`: expected `server` or `client`"),
    };
    let _ = writeln!(io::stderr(), "udp-timestamp: {why}\n\n{USAGE}");
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
/// hint chosen by its kind. A read timeout is `WouldBlock` on Unix and
/// `TimedOut` on Windows; "port unreachable" on a connected UDP socket is
/// `ConnectionRefused` on Linux and `ConnectionReset` on Windows.
fn context(action: &str, addr: &str, e: io::Error) -> io::Error {
    use io::ErrorKind::*;
    let start = "is the server running? start it with `cargo run -p udp-timestamp -- server`";
    let text = match e.kind() {
        WouldBlock | TimedOut => format!("{action} {addr} within 3 s: {start}"),
        ConnectionRefused | ConnectionReset => {
            format!("{action} {addr}: {e}; port unreachable: {start}")
        }
        AddrInUse => {
            format!("{action} {addr}: {e}; address in use: pass another ADDR, e.g. 127.0.0.1:0")
        }
        _ => format!("{action} {addr}: {e}"),
    };
    io::Error::new(e.kind(), text)
}
