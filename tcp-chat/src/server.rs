//! TCP server of article 000 (`p2p_tcp_server.py`): accepts one client, then
//! takes turns with it, receiving first. `88` from either side ends the chat.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::{io, thread, time::Duration};

use crate::console::{self, GOODBYE, context, out, warn};

pub fn run(addr: &str) -> io::Result<()> {
    // 创建socket对象, 绑定服务端的IP地址和端口号, 监听: TcpListener::bind
    // does all three (SOCK_STREAM is what a TcpListener is).
    let tcp_server = TcpListener::bind(addr).map_err(|e| context("cannot listen on", addr, e))?;
    out(&format!("Listening on {}\n", tcp_server.local_addr()?))?;
    let (mut client_socket, client_addr) = loop {
        match tcp_server.accept() {
            // 获取连接的客户端套接字和地址信息. A client that leaves before saying
            // anything (a port scan, a health check) does not take the only seat.
            Ok((socket, peer)) => {
                out(&format!("客户端已连接: {}\n", tuple(peer)))?;
                if matches!(socket.peek(&mut [0]), Ok(1..)) {
                    break (socket, peer);
                }
                warn(
                    "server",
                    &format!("client {peer} left without a word, waiting for the next one"),
                );
            }
            // A failed accept loses that client, not the server.
            Err(e) => warn("server", &format!("accept failed: {e}")),
        }
        // A pause before the next accept: an error that persists (no file
        // descriptors left) or a stream of clients leaving at once must not spin.
        thread::sleep(Duration::from_millis(100));
    };
    // One client only, as in the article: stop listening (Python closes
    // tcp_server at the end; nobody else would be accepted anyway).
    drop(tcp_server);
    chat(&mut client_socket)
        .or_else(|e| console::gone(e, "server", &format!("client {client_addr}")))
    // client_socket.close(): the socket is closed when it is dropped.
}

fn chat(client_socket: &mut TcpStream) -> io::Result<()> {
    loop {
        // 服务端首先接收客户端的消息 (接收到"88"时, 服务端程序终止), 然后发送消息
        // (sending 88 ends the server too): `||` stops at the first 88.
        if console::receive(client_socket, "客户端")? == GOODBYE
            || console::send(client_socket, "server")? == GOODBYE
        {
            return Ok(());
        }
    }
}

/// The address as Python prints `client_addr`: `('127.0.0.1', 40278)`, or
/// for IPv6 its 4-tuple `('::1', 40278, 0, 0)` (flowinfo, scope id).
fn tuple(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(a) => format!("('{}', {})", a.ip(), a.port()),
        SocketAddr::V6(a) => format!(
            "('{}', {}, {}, {})",
            a.ip(),
            a.port(),
            a.flowinfo(),
            a.scope_id()
        ),
    }
}
