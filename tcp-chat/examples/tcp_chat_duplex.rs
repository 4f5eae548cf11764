//! The "next step" article 000 promises: the same TCP chat, but both sides
//! can type at any time. "当前的聊天模式只能发一句收一句, 这是因为我们当前的
//! 程序都是单线程阻塞的" — so here one thread reads the keyboard and sends,
//! while the main thread reads the socket and prints. `88` or end of input
//! from either side still ends both.
//!
//! ```text
//! cargo run -p tcp-chat --example tcp_chat_duplex -- server    # terminal 1: 127.0.0.1:6666
//! cargo run -p tcp-chat --example tcp_chat_duplex -- client    # terminal 2
//! ```
//!
//! One thing changes on the wire: each message ends with a newline. With
//! turns, one read was one message; now two lines typed quickly can arrive
//! in one read (TCP keeps no message boundaries, article 004), and `88`
//! glued to the line before it would go unnoticed. So the two duplex
//! programs talk to each other, not to `tcp-chat` or the Python versions.

use std::env;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::ExitCode;
use std::thread;

const DEFAULT_ADDR: &str = "127.0.0.1:6666";
const GOODBYE: &[u8] = b"88";
/// A peer that never sends a newline cannot make us hold more than this.
const MAX_LINE: u64 = 64 * 1024;
const USAGE: &str = "usage: tcp_chat_duplex server [ADDR]
       tcp_chat_duplex client [ADDR]

A chat over TCP where both sides type at any time, one line per message.
`88` from either side, or end of input, ends both. Start the server first.

  ADDR  HOST:PORT (default 127.0.0.1:6666; port 0 lets the OS pick one)";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (role, addr) = match args.as_slice() {
        ["-h" | "--help", ..] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        [role @ ("server" | "client")] => (*role, DEFAULT_ADDR),
        [role @ ("server" | "client"), addr] if addr.contains(':') => (*role, *addr),
        _ => {
            eprintln!("tcp_chat_duplex: expected `server [ADDR]` or `client [ADDR]`\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(role == "server", addr) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tcp_chat_duplex {role}: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(is_server: bool, addr: &str) -> io::Result<()> {
    let role = if is_server { "server" } else { "client" };
    let (socket, peer) = if is_server {
        let listener = TcpListener::bind(addr).map_err(|e| failed("cannot listen on", addr, e))?;
        say(&format!("Listening on {}", listener.local_addr()?));
        let (socket, client_addr) = listener.accept()?;
        say(&format!("客户端已连接: {client_addr}"));
        (socket, "客户端")
    } else {
        (TcpStream::connect(addr).map_err(|e| failed("cannot connect to", addr, e))?, "服务端")
    };

    // try_clone(): a second handle on the same socket, so that one thread
    // can write while the other is blocked reading.
    let sender = socket.try_clone()?;
    thread::Builder::new().name("keyboard".into()).spawn(move || keyboard(sender, role))?;

    // This thread: the socket. One line is one message.
    let mut lines = BufReader::new(socket);
    let mut line = Vec::new();
    loop {
        line.clear();
        match (&mut lines).take(MAX_LINE).read_until(b'\n', &mut line) {
            Ok(0) => return Ok(()), // closed: the peer is gone, or answered our 88 by ending
            Ok(_) => {}
            Err(e) => {
                eprintln!("tcp_chat_duplex {role}: the connection ended: {e}");
                return Ok(());
            }
        }
        let message = line.strip_suffix(b"\n").unwrap_or(&line);
        say(&format!("收到{peer}消息: {}", String::from_utf8_lossy(message)));
        if message == GOODBYE {
            return Ok(()); // returning from main ends the keyboard thread too
        }
    }
}

/// The keyboard thread: sends each line typed, with its newline. After `88`
/// (typed, or end of input) it shuts down the sending half: the peer reads
/// the 88, ends, and its close ends our reading thread in turn.
fn keyboard(mut socket: TcpStream, role: &'static str) {
    let mut stdin = io::stdin().lock();
    let mut line = Vec::new();
    loop {
        line.clear();
        let typed = match stdin.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => GOODBYE, // end of input (or an unreadable keyboard) says 88
            Ok(_) => line.strip_suffix(b"\n").unwrap_or(&line),
        };
        let typed = typed.strip_suffix(b"\r").unwrap_or(typed);
        if typed.is_empty() {
            continue;
        }
        let sent = socket.write_all(typed).and_then(|()| socket.write_all(b"\n"));
        if let Err(e) = sent {
            eprintln!("tcp_chat_duplex {role}: cannot send: {e}");
            return;
        }
        if typed == GOODBYE {
            let _ = socket.shutdown(Shutdown::Write);
            return;
        }
    }
}

fn failed(what: &str, addr: &str, e: io::Error) -> io::Error {
    let hint = match e.kind() {
        io::ErrorKind::AddrInUse => "; address in use: pass another ADDR, e.g. 127.0.0.1:0",
        io::ErrorKind::ConnectionRefused => "; connection refused: start the server first",
        _ => "",
    };
    io::Error::new(e.kind(), format!("{what} {addr}: {e}{hint}"))
}

/// A line on stdout; a closed stdout must not end the chat (println! would panic).
fn say(line: &str) {
    let mut out = io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}
