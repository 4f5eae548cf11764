//! udp-chat: the point-to-point chat over UDP that article 000 refers to
//! ("之前使用UDP协议实现点对点聊天") and article 002 writes
//! (python网络编程与使用TCP协议实现聊天室, its UDP part; Python versions
//! `p2p_udp_server.py` and `p2p_udp_client.py`). Server and client take
//! turns, the client first; `88` from either side ends both.
//!
//! ```text
//! cargo run -p udp-chat -- server       # terminal 1: 127.0.0.1:9000
//! cargo run -p udp-chat -- client       # terminal 2: type, then wait for the answer
//! ```
//!
//! `server.rs` and `client.rs` are the two Python programs, `console.rs`
//! their `input()` and `print()`. Differences from the article: the server
//! answers the address the last datagram came from (article 002's server
//! sends to its own port and so talks to itself); the client connects its
//! socket so that "no server there" is reported instead of waited for; the
//! address can be given; end of input says `88` for you; an empty or
//! over-long line is asked again rather than sent; text that is not UTF-8
//! gets replacement characters. `examples/udp_chat_duplex.rs` is the next
//! step the article promises, both sides typing at any time.

mod client;
mod console;
mod server;

use std::env;
use std::process::ExitCode;

const USAGE: &str = "usage: udp-chat server [ADDR]
       udp-chat client [ADDR]

A chat over UDP that takes turns: the client speaks first, then the server,
and so on. `88` from either side, or end of input, ends both programs.
The server answers whoever spoke last.

  ADDR  HOST:PORT (default 127.0.0.1:9000; port 0 lets the OS pick one,
        0.0.0.0:PORT makes the server receive on every interface)";

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
                "udp-chat: expected `server [ADDR]` or `client [ADDR]`, got `{}`\n\n{USAGE}",
                args.join(" ")
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("udp-chat {}: {e}", args[0]);
            ExitCode::FAILURE
        }
    }
}

/// HOST:PORT with a port number: `127.0.0.1:9000`, `localhost:0`, `[::1]:9000`.
fn is_host_port(addr: &str) -> bool {
    matches!(addr.rsplit_once(':'), Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok())
}
