//! tcp-chat: the point-to-point chat over TCP of article 000
//! (Python进阶记录之网络编程(五): TCP点对点聊天; Python versions
//! `p2p_tcp_server.py` and `p2p_tcp_client.py`). Server and client take
//! turns, the client first; `88` from either side ends both.
//!
//! ```text
//! cargo run -p tcp-chat -- server       # terminal 1, first: 127.0.0.1:6666
//! cargo run -p tcp-chat -- client       # terminal 2: type, then wait for the answer
//! ```
//!
//! `server.rs` and `client.rs` are the two Python programs, `console.rs`
//! what both share: `input()`, `print()`, and what a peer may not do.
//! Differences from the article: the address can be given; end of input
//! says `88` for you; a peer that closes without `88` ends the chat with a
//! line on stderr; a client that leaves before saying anything does not
//! take the server's only seat; an empty or over-long line is asked again
//! rather than sent; received text that is not UTF-8 gets replacement
//! characters and control characters are shown escaped (`\u{1b}`), so a
//! peer cannot drive your terminal. The turn-taking is the article's, and
//! so is its limit (one side waits while the other types):
//! `examples/tcp_chat_duplex.rs` is the next step the article promises.

mod client;
mod console;
mod server;

use std::{env, io, io::Write, process::ExitCode};

const USAGE: &str =
    "usage: tcp-chat server [ADDR]   (start it first; turns, the client first; `88` ends)
       tcp-chat client [ADDR]   (ADDR is HOST:PORT, default 127.0.0.1:6666; port 0: any free port)";

fn main() -> ExitCode {
    let (role, addr) = match args() {
        Ok(Some(args)) => args,
        Ok(None) => return ExitCode::from(writeln!(io::stdout(), "{USAGE}").map_or(1, |()| 0)),
        Err(why) => {
            let _ = writeln!(io::stderr(), "tcp-chat: {why}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = if role == "server" {
        server::run(&addr)
    } else {
        client::run(&addr)
    };
    ExitCode::from(u8::from(
        result
            .inspect_err(|e| console::warn(&role, &e.to_string()))
            .is_err(),
    ))
}

/// The role and ADDR from the command line (None: help was asked for), or
/// what is wrong with it.
fn args() -> Result<Option<(String, String)>, String> {
    let args = env::args_os()
        .skip(1)
        .map(|a| a.into_string())
        .collect::<Result<Vec<_>, _>>();
    let args =
        args.map_err(|a| format!("argument `{}` is not valid UTF-8", a.to_string_lossy()))?;
    // -h/--help anywhere asks for help; any other option is a mistake, never a host name.
    if let Some(a) = args.iter().find(|a| a.starts_with('-')) {
        let help = args.iter().any(|a| a == "-h" || a == "--help");
        return if help {
            Ok(None)
        } else {
            Err(format!("unknown option `{a}`"))
        };
    }
    let (role, addr) = match &args[..] {
        [] => return Err("say which side to run: `cargo run -p tcp-chat -- server` in one terminal, then `cargo run -p tcp-chat -- client` in another".into()),
        [role, ..] if role != "server" && role != "client" => {
            return Err(format!("unknown role `{role}`: expected `server` or `client`"));
        }
        [role] => (role, "127.0.0.1:6666"),
        [role, addr] => (role, addr.as_str()),
        [_, _, extra, ..] => return Err(format!("unexpected argument `{extra}`")),
    };
    bad_addr(addr).map_or(Ok(Some((role.clone(), addr.into()))), Err)
}

/// What is wrong with `addr` as HOST:PORT, if anything.
fn bad_addr(addr: &str) -> Option<String> {
    let (host, port) = addr.rsplit_once(':').unwrap_or(("", addr));
    let why = match port.parse::<u16>() {
        _ if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) => {
            match addr.contains(':') {
                true => format!("port `{port}` is not a number"),
                false => "no port: expected HOST:PORT".into(),
            }
        }
        Err(_) => format!("port {port} is out of range (0-65535)"),
        Ok(_) if host.is_empty() => format!("no host: did you mean 127.0.0.1:{port}?"),
        Ok(_) => return None,
    };
    Some(format!("bad ADDR `{addr}`: {why}"))
}
