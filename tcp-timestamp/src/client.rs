//! TCP时间戳客户端: `ts_tcp_client.py` of article 004.
//!
//! Prompts `> `, sends each line you type (without its newline) and prints
//! the server's answer. An empty line, end of input, or a server that
//! closes ends it.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

/// BUFSIZ = 1024: one recv reads at most this much.
const BUFSIZ: usize = 1024;
/// How long we wait for a connect and for each answer.
const TIMEOUT: Duration = Duration::from_secs(10);

// The loop is the Python's `while True:`, its steps in the Python's order
// (clippy would fold the input into a `while let` condition).
#[allow(clippy::while_let_loop)]
pub fn run(addr: &str) -> io::Result<()> {
    // tcpCliSock = socket(AF_INET, SOCK_STREAM); tcpCliSock.connect(ADDR): one call in Rust.
    let mut tcp_cli_sock = connect(addr)?;
    // Not in the article: a server that never answers (or a one-at-a-time
    // server busy with another client) ends the client after 10 s.
    tcp_cli_sock.set_read_timeout(Some(TIMEOUT))?;
    // The Python's `data` is first the line typed, then the bytes received:
    // here `data`, then `buf`.
    let mut buf = [0; BUFSIZ];

    loop {
        // data = input('> '); end of input (where Python raises EOFError) ends too.
        let Some(data) = crate::input("> ")? else {
            break;
        };
        // if not data: break
        if data.is_empty() {
            break;
        }
        // tcpCliSock.send(bytes(data, 'utf-8')); write_all, like sendall(), sends every byte.
        match tcp_cli_sock.write_all(data.as_bytes()) {
            Ok(()) => {}
            // The server closed or reset the connection: a clean end.
            Err(e)
                if e.kind() == ErrorKind::BrokenPipe || e.kind() == ErrorKind::ConnectionReset =>
            {
                crate::warn("client", &format!("server {addr} closed the connection"));
                break;
            }
            Err(e) => return Err(crate::context("cannot send to", addr, e)),
        }
        // data = tcpCliSock.recv(BUFSIZ): one read of up to 1024 bytes, as
        // the article does; an answer longer than that shows in pieces, the
        // rest on the next turn (TCP keeps no message boundaries).
        let n = match tcp_cli_sock.read(&mut buf) {
            // if not data: break
            Ok(0) => {
                crate::warn("client", &format!("server {addr} closed the connection"));
                break;
            }
            Ok(n) => n,
            // A reset: the server has gone as well.
            Err(e) if e.kind() == ErrorKind::ConnectionReset => {
                crate::warn("client", &format!("server {addr} closed the connection"));
                break;
            }
            Err(e) => return Err(crate::context("no answer from", addr, e)),
        };
        // print(data.decode('utf-8'))
        crate::print(&crate::show(&buf[..n]))?;
    }
    // tcpCliSock.close()
    drop(tcp_cli_sock);
    Ok(())
}

/// socket() + connect(): each of the name's addresses in the resolver's
/// order, each given TIMEOUT, so a server that drops our SYNs cannot hang us.
fn connect(addr: &str) -> io::Result<TcpStream> {
    let ips = addr
        .to_socket_addrs()
        .map_err(|e| crate::context("cannot resolve", addr, e))?;
    let mut last_error = io::Error::new(
        ErrorKind::NotFound,
        format!("{addr}: the name has no address"),
    );
    for ip in ips {
        match TcpStream::connect_timeout(&ip, TIMEOUT) {
            Ok(stream) => return Ok(stream),
            Err(e) => last_error = crate::context("cannot connect to", &at(addr, ip), e),
        }
    }
    Err(last_error)
}

/// `addr`, with the IP:PORT it resolved to when that is not the same text:
/// `localhost:25677 (127.0.0.1:25677)`.
fn at(addr: &str, ip: SocketAddr) -> String {
    if ip.to_string() == addr {
        addr.to_string()
    } else {
        format!("{addr} ({ip})")
    }
}
