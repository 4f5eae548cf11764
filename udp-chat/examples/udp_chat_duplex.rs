//! The "next step" article 000 promises, over UDP: the same chat as
//! `udp-chat`, but both sides can type at any time. One thread reads the
//! keyboard and sends, while the main thread receives and prints. `88` or
//! end of input from either side still ends both.
//!
//! ```text
//! cargo run -p udp-chat --example udp_chat_duplex -- server    # terminal 1: 127.0.0.1:9000
//! cargo run -p udp-chat --example udp_chat_duplex -- client    # terminal 2
//! ```
//!
//! The bytes on the wire are `udp-chat`'s: one datagram per message, no
//! newline, because UDP keeps message boundaries (article 004). So this
//! program also talks to `udp-chat` and to the Python versions.

use std::env;
use std::io::{self, BufRead, Write};
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::process::{self, ExitCode};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

const DEFAULT_ADDR: &str = "127.0.0.1:9000";
const GOODBYE: &[u8] = b"88";
const BUFSIZ: usize = 1024;
const USAGE: &str = "usage: udp_chat_duplex server [ADDR]
       udp_chat_duplex client [ADDR]

A chat over UDP where both sides type at any time, one datagram per line.
`88` from either side, or end of input, ends both. The server answers
whoever spoke last.

  ADDR  HOST:PORT (default 127.0.0.1:9000; port 0 lets the OS pick one)";

/// Where the keyboard thread sends: the server fills it in as clients speak.
type Peer = Arc<Mutex<Option<SocketAddr>>>;

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
            eprintln!("udp_chat_duplex: expected `server [ADDR]` or `client [ADDR]`\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(role == "server", addr) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("udp_chat_duplex {role}: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(is_server: bool, addr: &str) -> io::Result<()> {
    let role = if is_server { "server" } else { "client" };
    let (socket, peer, from) = if is_server {
        let socket = UdpSocket::bind(addr).map_err(|e| failed("cannot bind", addr, e))?;
        say(&format!("Listening on {}", socket.local_addr()?));
        (socket, None, "客户端")
    } else {
        let server = resolve(addr)?;
        let local: SocketAddr = if server.is_ipv4() { ([0, 0, 0, 0], 0).into() } else { ([0; 16], 0).into() };
        let socket = UdpSocket::bind(local)?;
        // connect(): only the server's datagrams are received, and "port
        // unreachable" comes back as an error instead of silence.
        socket.connect(server)?;
        (socket, Some(server), "服务端")
    };
    let peer: Peer = Arc::new(Mutex::new(peer));

    // try_clone(): a second handle on the same socket for the keyboard thread.
    let sender = socket.try_clone()?;
    let send_to = Arc::clone(&peer);
    thread::Builder::new().name("keyboard".into()).spawn(move || keyboard(&sender, &send_to, role))?;

    // This thread: the socket. One datagram is one message.
    let mut data = [0; BUFSIZ];
    let mut heard = false;
    loop {
        let (n, sender_addr) = match socket.recv_from(&mut data) {
            Ok(pair) => pair,
            Err(e) if e.kind() == io::ErrorKind::ConnectionRefused && heard => {
                eprintln!("udp_chat_duplex {role}: the other side has gone (port unreachable)");
                return Ok(());
            }
            Err(e) if e.kind() == io::ErrorKind::ConnectionRefused && !is_server => {
                return Err(failed("no server at", addr, e));
            }
            Err(e) => {
                eprintln!("udp_chat_duplex {role}: receive failed: {e}");
                continue;
            }
        };
        heard = true;
        if is_server {
            // Answer whoever spoke last.
            *peer.lock().unwrap_or_else(PoisonError::into_inner) = Some(sender_addr);
        }
        say(&format!("收到{from}消息: {}", String::from_utf8_lossy(&data[..n])));
        if &data[..n] == GOODBYE {
            return Ok(()); // returning from main ends the keyboard thread too
        }
    }
}

/// The keyboard thread: sends each line typed as one datagram. After `88`
/// (typed, or end of input) it ends the whole program: the main thread is
/// blocked in recv_from, and nothing portable wakes a blocked UDP receive.
fn keyboard(socket: &UdpSocket, peer: &Mutex<Option<SocketAddr>>, role: &str) {
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
        if typed.len() > BUFSIZ {
            eprintln!("udp_chat_duplex {role}: at most {BUFSIZ} bytes per message: type it again shorter");
            continue;
        }
        let to = *peer.lock().unwrap_or_else(PoisonError::into_inner);
        match to {
            Some(to) => {
                if let Err(e) = socket.send_to(typed, to) {
                    eprintln!("udp_chat_duplex {role}: cannot send to {to}: {e}");
                }
            }
            None => eprintln!("udp_chat_duplex {role}: no client has spoken yet, nobody to send to"),
        }
        if typed == GOODBYE {
            process::exit(0);
        }
    }
}

/// HOST:PORT to one address, IPv4 first, as udp-chat does.
fn resolve(addr: &str) -> io::Result<SocketAddr> {
    let fail = |e: io::Error| io::Error::new(e.kind(), format!("cannot resolve {addr}: {e}"));
    let all: Vec<SocketAddr> = addr.to_socket_addrs().map_err(fail)?.collect();
    let first = all.iter().find(|a| a.is_ipv4()).or(all.first()).copied();
    first.ok_or_else(|| fail(io::Error::new(io::ErrorKind::NotFound, "no address")))
}

fn failed(what: &str, addr: &str, e: io::Error) -> io::Error {
    let hint = match e.kind() {
        io::ErrorKind::AddrInUse => "; address in use: pass another ADDR, e.g. 127.0.0.1:0",
        io::ErrorKind::ConnectionRefused => "; is the server running? start it first",
        _ => "",
    };
    io::Error::new(e.kind(), format!("{what} {addr}: {e}{hint}"))
}

/// A line on stdout; a closed stdout must not end the chat (println! would panic).
fn say(line: &str) {
    let mut out = io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}
