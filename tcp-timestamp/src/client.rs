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

pub fn run(addr: &str) -> io::Result<()> {
    // tcpCliSock = socket(AF_INET, SOCK_STREAM); tcpCliSock.connect(ADDR): one call in Rust.
    let mut tcp_cli_sock = connect(addr)?;
    // Not in the article: a server that never answers (or a one-at-a-time
    // server busy with another client) ends the client after 10 s.
    tcp_cli_sock.set_read_timeout(Some(TIMEOUT))?;
    let mut data = [0; BUFSIZ];

    loop {
        // data = input('> '); end of input (where Python raises EOFError) reads as an empty line.
        let data_out = crate::input("> ")?.unwrap_or_default();
        // if not data: break
        if data_out.is_empty() {
            break;
        }
        // tcpCliSock.send(bytes(data, 'utf-8'))
        match tcp_cli_sock.write_all(data_out.as_bytes()) {
            Ok(()) => {}
            Err(e) if gone(&e) => return closed(addr),
            Err(e) => return Err(crate::context("cannot send to", addr, e)),
        }
        // data = tcpCliSock.recv(BUFSIZ): one read of up to 1024 bytes, as
        // the article does; an answer longer than that shows in pieces, the
        // rest on the next turn (TCP keeps no message boundaries).
        let n = match tcp_cli_sock.read(&mut data) {
            Ok(0) => return closed(addr), // if not data: break
            Ok(n) => n,
            Err(e) if gone(&e) => return closed(addr),
            Err(e) => return Err(crate::context("no answer from", addr, e)),
        };
        // print(data.decode('utf-8'))
        crate::print(&crate::show(&data[..n]))?;
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

/// Did the server close or reset the connection?
fn gone(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe
    )
}

/// The server has gone: a clean end (exit 0), said on stderr.
fn closed(addr: &str) -> io::Result<()> {
    crate::warn("client", &format!("server {addr} closed the connection"));
    Ok(())
}
