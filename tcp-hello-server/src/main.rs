//! tcp-hello-server: the threaded "Hello, %s!" server of the TCP编程 article
//! (article 001, the 服务器 part; Python original `hello_server.py`).
//!
//! Every client gets `Welcome!`, then `Hello, <text>!` for each message it
//! sends, until it sends `exit` or closes. Each connection has a thread of
//! its own, so many clients are served at the same time.
//!
//! Run it, then the client in a second terminal:
//!
//! ```text
//! cargo run -p tcp-hello-server              # listens on 127.0.0.1:9999
//! cargo run -p tcp-hello-client              # Welcome! Hello, Michael! ...
//! ```
//!
//! Differences from the article: the address can be given as an argument
//! (`127.0.0.1:0` lets the OS pick a port) and the first line printed is the
//! address actually bound; text that is not UTF-8 is answered with
//! replacement characters instead of killing the connection's thread.

use std::env;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

const DEFAULT_ADDR: &str = "127.0.0.1:9999";
const USAGE: &str = "usage: tcp-hello-server [ADDR]

Greets every client with `Welcome!` and answers each message with
`Hello, <message>!`, one thread per client.

  ADDR  address to listen on, HOST:PORT (default 127.0.0.1:9999;
        port 0 lets the OS pick one, 0.0.0.0:PORT listens on every interface)";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let addr = match args.as_slice() {
        [] => DEFAULT_ADDR,
        [flag] if flag == "-h" || flag == "--help" => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        [addr] if is_host_port(addr) => addr.as_str(),
        _ => {
            eprintln!("tcp-hello-server: expected [ADDR] as HOST:PORT, got `{}`\n\n{USAGE}", args.join(" "));
            return ExitCode::from(2);
        }
    };
    match run(addr) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tcp-hello-server: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(addr: &str) -> io::Result<()> {
    // 创建 socket, 监听端口 (bind), listen: TcpListener::bind does all three.
    let listener = TcpListener::bind(addr).map_err(|e| bind_error(addr, e))?;
    log(&format!("Listening on {}", listener.local_addr()?));
    log("Waiting for connection...");

    loop {
        // 接受一个新连接:
        let (sock, addr) = match listener.accept() {
            Ok(pair) => pair,
            Err(e) => {
                // Out of file descriptors, or a client that gave up while
                // waiting in the backlog: this client is lost, the server
                // is not. The pause keeps a persistent error from spinning.
                eprintln!("tcp-hello-server: accept failed: {e}");
                thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        // 创建新线程来处理TCP连接:
        let spawned = thread::Builder::new().spawn(move || tcplink(sock, addr));
        if let Err(e) = spawned {
            // The OS refused a thread; dropping `sock` closes this connection.
            eprintln!("tcp-hello-server: no thread for {addr}: {e}");
        }
    }
}

fn tcplink(mut sock: TcpStream, addr: SocketAddr) {
    log(&format!("Accept new connection from {addr}..."));
    if let Err(e) = talk(&mut sock) {
        // A reset or a vanished client ends only this connection.
        eprintln!("tcp-hello-server: connection from {addr}: {e}");
    }
    drop(sock); // sock.close()
    log(&format!("Connection from {addr} closed."));
}

fn talk(sock: &mut TcpStream) -> io::Result<()> {
    sock.write_all(b"Welcome!")?;
    let mut buf = [0; 1024];
    loop {
        // Up to 1024 bytes, like recv(1024). TCP keeps no message
        // boundaries: a long message arrives in several reads, and each is
        // answered on its own.
        let n = sock.read(&mut buf)?;
        // The article's pause, to show that clients are served in parallel.
        thread::sleep(Duration::from_secs(1));
        let data = &buf[..n];
        // Ok(0) is Python's empty recv(): the client closed.
        if data.is_empty() || data == b"exit" {
            return Ok(());
        }
        let reply = format!("Hello, {}!", String::from_utf8_lossy(data));
        sock.write_all(reply.as_bytes())?;
    }
}

/// Prints one line on stdout. A closed stdout (`| head -1`) must not bring
/// the server down, so a line that cannot be written is dropped.
fn log(line: &str) {
    let _ = writeln!(io::stdout(), "{line}");
}

fn bind_error(addr: &str, e: io::Error) -> io::Error {
    let hint = match e.kind() {
        io::ErrorKind::AddrInUse => {
            "; address in use: is another server running? pass another ADDR, \
             e.g. `cargo run -p tcp-hello-server -- 127.0.0.1:0`"
        }
        io::ErrorKind::PermissionDenied => "; ports below 1024 need root: pick one above",
        io::ErrorKind::AddrNotAvailable => "; that IP is not on this machine: try 127.0.0.1",
        _ => "",
    };
    io::Error::new(e.kind(), format!("cannot listen on {addr}: {e}{hint}"))
}

/// HOST:PORT with a port number: `127.0.0.1:9999`, `localhost:0`, `[::1]:9999`.
fn is_host_port(addr: &str) -> bool {
    matches!(addr.rsplit_once(':'), Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok())
}
