//! UDP client of the point-to-point chat (article 002's UDP part; Python
//! version `p2p_udp_client.py`): sends first, then waits for the answer.
//! `88` from either side ends the chat.

use std::io;
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};

use crate::console::{self, GOODBYE};

pub const DEFAULT_ADDR: &str = "127.0.0.1:9000";
const BUFSIZ: usize = 1024;

pub fn run(addr: &str) -> io::Result<()> {
    let server = resolve(addr)?;
    // 创建socket对象 (SOCK_DGRAM). Python binds a free port on the first
    // sendto(); Rust names that step: port 0.
    let local: SocketAddr = if server.is_ipv4() { ([0, 0, 0, 0], 0).into() } else { ([0; 16], 0).into() };
    let udp_client = UdpSocket::bind(local)?;
    // A difference from Python's sendto()/recvfrom(): connect() fixes the
    // one peer. Nothing is sent by it, but the kernel now passes on the
    // "port unreachable" that comes back when no server is there, so recv()
    // fails with "connection refused" instead of waiting forever, and only
    // the server's datagrams are received.
    udp_client.connect(server).map_err(|e| io::Error::new(e.kind(), format!("cannot use {server}: {e}")))?;
    let mut recv_data = [0; BUFSIZ];
    let mut answered = false;
    loop {
        // 客户端首先发送消息
        let send_msg = console::input("client", "请输入:")?;
        if let Err(e) = udp_client.send(&send_msg) {
            return server_gone(server, answered, e);
        }
        // 发送的消息为"88"时, 客户端程序终止
        if send_msg == GOODBYE {
            return Ok(());
        }
        // 接收消息: one datagram is one message.
        let n = match udp_client.recv(&mut recv_data) {
            Ok(n) => n,
            Err(e) => return server_gone(server, answered, e),
        };
        answered = true;
        console::show("服务端", &recv_data[..n])?;
        if console::is_goodbye(&recv_data[..n]) {
            return Ok(()); // the server said 88: it has ended, and so does the client
        }
    }
}

/// HOST:PORT to one address, IPv4 first: the article's socket is AF_INET,
/// and `localhost` may resolve to ::1 before 127.0.0.1.
fn resolve(addr: &str) -> io::Result<SocketAddr> {
    let fail = |e: io::Error| io::Error::new(e.kind(), format!("cannot resolve {addr}: {e}"));
    let all: Vec<SocketAddr> = addr.to_socket_addrs().map_err(fail)?.collect();
    let first = all.iter().find(|a| a.is_ipv4()).or(all.first()).copied();
    first.ok_or_else(|| fail(io::Error::new(io::ErrorKind::NotFound, "no address")))
}

/// "Connection refused" on a UDP socket: a datagram we sent came back as
/// "port unreachable". Before the first answer that means no server is
/// there (an error); after it, the server has gone (the chat is over).
fn server_gone(server: SocketAddr, answered: bool, e: io::Error) -> io::Result<()> {
    match e.kind() {
        io::ErrorKind::ConnectionRefused if answered => {
            eprintln!("udp-chat client: server {server} has gone (port unreachable), the chat is over");
            Ok(())
        }
        io::ErrorKind::ConnectionRefused => Err(io::Error::new(
            e.kind(),
            format!(
                "no server at {server}: {e}; is the server running? start it with `cargo run -p udp-chat -- server`"
            ),
        )),
        _ => Err(io::Error::new(e.kind(), format!("chat with {server} failed: {e}"))),
    }
}
