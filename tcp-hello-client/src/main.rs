//! tcp-hello-client: the client of the TCP编程 article (article 001, the
//! 客户端 for its "Hello" server; Python original `hello_client.py`).
//!
//! It prints the server's welcome, sends each name and prints the reply,
//! then sends `exit` and closes.
//!
//! Start the server first, then the client in a second terminal:
//!
//! ```text
//! cargo run -p tcp-hello-server                          # terminal 1
//! cargo run -p tcp-hello-client                          # terminal 2
//! cargo run -p tcp-hello-client -- 127.0.0.1:9999 Ann Bo # other names
//! ```
//!
//! Differences from the article: the address and names can be given as
//! arguments; a reply that is not UTF-8 is shown with replacement characters;
//! a server that sends nothing for 10 seconds, or closes early, ends the
//! client with one line on stderr instead of a hang or a traceback.

use std::env;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::time::Duration;

const DEFAULT_ADDR: &str = "127.0.0.1:9999";
const DEFAULT_NAMES: [&str; 3] = ["Michael", "Tracy", "Sarah"];
/// How long to wait for a reply; the server itself pauses 1 s per message.
const REPLY_TIMEOUT: Duration = Duration::from_secs(10);
const USAGE: &str = "usage: tcp-hello-client [ADDR] [NAME...]

Connects to tcp-hello-server, prints its welcome, sends each NAME and prints
the reply, then sends `exit`.

  ADDR  server address, HOST:PORT (default 127.0.0.1:9999)
  NAME  names to send (default Michael Tracy Sarah); give ADDR first";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let (addr, names) = match args.split_first() {
        None => (DEFAULT_ADDR, DEFAULT_NAMES.map(String::from).to_vec()),
        Some((addr, names)) if is_host_port(addr) && names.iter().all(|n| !n.is_empty()) => {
            let names =
                if names.is_empty() { DEFAULT_NAMES.map(String::from).to_vec() } else { names.to_vec() };
            (addr.as_str(), names)
        }
        Some(_) => {
            let got = args.join(" ");
            eprintln!(
                "tcp-hello-client: expected ADDR as HOST:PORT, then names that are not empty; got `{got}`\n\n{USAGE}"
            );
            return ExitCode::from(2);
        }
    };
    match run(addr, &names) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tcp-hello-client: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(addr: &str, names: &[String]) -> io::Result<()> {
    // 建立连接:
    let mut s = TcpStream::connect(addr).map_err(|e| connect_error(addr, e))?;
    // Python's settimeout(): a silent server ends the client instead of
    // hanging it.
    s.set_read_timeout(Some(REPLY_TIMEOUT))?;
    let mut buf = [0; 1024];

    // 接收欢迎消息:
    let welcome = recv(&mut s, &mut buf, addr)?;
    show(welcome)?;
    for name in names {
        // 发送数据:
        s.write_all(name.as_bytes()).map_err(|e| peer_error(addr, e))?;
        let reply = recv(&mut s, &mut buf, addr)?;
        show(reply)?;
    }
    s.write_all(b"exit").map_err(|e| peer_error(addr, e))?;
    // s.close(): dropping the stream closes it.
    Ok(())
}

/// One read of up to 1024 bytes, like recv(1024). An empty read means the
/// server closed: that is an error here, since a reply was due.
fn recv<'a>(s: &mut TcpStream, buf: &'a mut [u8], addr: &str) -> io::Result<&'a [u8]> {
    match s.read(buf) {
        Ok(0) => Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            format!("server {addr} closed the connection before replying"),
        )),
        Ok(n) => Ok(&buf[..n]),
        Err(e) => Err(peer_error(addr, e)),
    }
}

/// print(data.decode('utf-8')), with replacement characters for bytes that
/// are not UTF-8 where Python would raise.
fn show(data: &[u8]) -> io::Result<()> {
    writeln!(io::stdout(), "{}", String::from_utf8_lossy(data))
        .map_err(|e| io::Error::new(e.kind(), format!("cannot write to stdout: {e}")))
}

fn connect_error(addr: &str, e: io::Error) -> io::Error {
    let hint = match e.kind() {
        io::ErrorKind::ConnectionRefused => {
            "; connection refused: is the server running? start it with `cargo run -p tcp-hello-server`"
        }
        _ => "",
    };
    io::Error::new(e.kind(), format!("cannot connect to {addr}: {e}{hint}"))
}

fn peer_error(addr: &str, e: io::Error) -> io::Error {
    let what = match e.kind() {
        // A read timeout shows up as WouldBlock on Unix, TimedOut on Windows.
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
            format!("no reply from {addr} within {} s: is it a tcp-hello-server?", REPLY_TIMEOUT.as_secs())
        }
        _ => format!("connection to {addr} failed: {e}"),
    };
    io::Error::new(e.kind(), what)
}

/// HOST:PORT with a port number: `127.0.0.1:9999`, `localhost:9999`, `[::1]:9999`.
fn is_host_port(addr: &str) -> bool {
    matches!(addr.rsplit_once(':'), Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok())
}
