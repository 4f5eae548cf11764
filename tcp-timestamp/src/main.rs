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
//! `server.rs` and `client.rs` are the two Python files; this file only
//! picks one. Differences from the article: ctime is UTC (std cannot read
//! the local time zone); the address can be given; end of input ends the
//! client cleanly; text that is not UTF-8 gets replacement characters.

mod client;
mod server;

use std::env;
use std::process::ExitCode;

const USAGE: &str = "usage: tcp-timestamp server [ADDR]
       tcp-timestamp client [ADDR]

The server answers each message with `[<time>] <message>`, one client at a
time; the client sends each line you type and prints the answer. An empty
line or end of input ends the client.

  ADDR  HOST:PORT (default 127.0.0.1:25677; port 0 lets the OS pick one,
        0.0.0.0:PORT makes the server listen on every interface)";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        [] => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
        ["-h" | "--help", ..] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        ["server"] => server::run(server::DEFAULT_ADDR),
        ["client"] => client::run(client::DEFAULT_ADDR),
        ["server", addr] if is_host_port(addr) => server::run(addr),
        ["client", addr] if is_host_port(addr) => client::run(addr),
        _ => {
            eprintln!(
                "tcp-timestamp: expected `server [ADDR]` or `client [ADDR]`, got `{}`\n\n{USAGE}",
                args.join(" ")
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tcp-timestamp {}: {e}", args[0]);
            ExitCode::FAILURE
        }
    }
}

/// HOST:PORT with a port number: `127.0.0.1:25677`, `localhost:0`, `[::1]:25677`.
fn is_host_port(addr: &str) -> bool {
    matches!(addr.rsplit_once(':'), Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok())
}
