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
//! their `input()` and `print()`. Differences from the article: the address
//! can be given; end of input says `88` for you; a peer that closes without
//! `88` ends the chat with a line on stderr; an empty or over-long line is
//! asked again rather than sent; text that is not UTF-8 gets replacement
//! characters. The turn-taking is the article's, and so is its limit (one
//! side waits while the other types): `examples/tcp_chat_duplex.rs` is the
//! next step the article promises, both sides typing at any time.

mod client;
mod console;
mod server;

use std::env;
use std::process::ExitCode;

const USAGE: &str = "usage: tcp-chat server [ADDR]
       tcp-chat client [ADDR]

A chat over TCP that takes turns: the client speaks first, then the server,
and so on. `88` from either side, or end of input, ends both programs.
Start the server first.

  ADDR  HOST:PORT (default 127.0.0.1:6666; port 0 lets the OS pick one,
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
                "tcp-chat: expected `server [ADDR]` or `client [ADDR]`, got `{}`\n\n{USAGE}",
                args.join(" ")
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tcp-chat {}: {e}", args[0]);
            ExitCode::FAILURE
        }
    }
}

/// HOST:PORT with a port number: `127.0.0.1:6666`, `localhost:0`, `[::1]:6666`.
fn is_host_port(addr: &str) -> bool {
    matches!(addr.rsplit_once(':'), Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok())
}
