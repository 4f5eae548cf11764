//! TCP server of article 000 (`p2p_tcp_server.py`): accepts one client, then
//! takes turns with it, receiving first. `88` from either side ends the chat.

use std::io::{self, ErrorKind, Read, Write};
use std::{net::TcpListener, thread, time::Duration};

pub fn run(addr: &str) -> io::Result<()> {
    // 创建socket对象, 绑定服务端的IP地址和端口号, 监听: TcpListener::bind
    // does all three (SOCK_STREAM is what a TcpListener is).
    let tcp_server =
        TcpListener::bind(addr).map_err(|e| crate::context("cannot listen on", addr, e))?;
    crate::print(&format!("Listening on {}", tcp_server.local_addr()?))?;
    let idle_limit = crate::idle();
    // The loop ends with the first client that speaks: its socket and its name.
    let (mut client_socket, peer) = loop {
        // 获取连接的客户端套接字和地址信息
        let (client_socket, client_addr) = match tcp_server.accept() {
            Ok(pair) => pair,
            // A failed accept loses that client, not the server; the pause keeps
            // an error that persists (no file descriptors left) from spinning.
            Err(e) => {
                crate::warn("server", &format!("accept failed: {e}"));
                thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        // print('客户端已连接:', client_addr), as Python prints the (ip, port) tuple
        // of its IPv4 socket; an IPv6 client is shown as a pair too (Python's
        // 4-tuple would cost a function here, for a case the article never has).
        let ip = client_addr.ip();
        let port = client_addr.port();
        crate::print(&format!("客户端已连接: ('{ip}', {port})"))?;
        let peer = format!("client {client_addr}");
        // Not in the article: a client that leaves, or says nothing for a
        // while, before its first message (a port scan, `nc` left open) does
        // not take the only seat. peek() waits for the first byte, leaving it
        // for the recv below.
        client_socket.set_read_timeout(Some(idle_limit))?;
        let left = format!("{peer} left without a word, waiting for the next one");
        let mut first = [0; 1];
        match client_socket.peek(&mut first) {
            Ok(0) => {
                crate::warn("server", &left);
                continue;
            }
            Ok(_) => {}
            // A read timeout is WouldBlock on Unix, TimedOut on Windows.
            Err(e) if e.kind() == ErrorKind::WouldBlock || e.kind() == ErrorKind::TimedOut => {
                let secs = idle_limit.as_secs();
                let why = format!("{peer} said nothing for {secs} s, waiting for the next one");
                crate::warn("server", &why);
                continue;
            }
            Err(_) => {
                crate::warn("server", &left); // it reset the connection
                continue;
            }
        }
        break (client_socket, peer);
    };
    // From its first message on, the client is a person typing: no limit.
    client_socket.set_read_timeout(None)?;
    // tcp_server.close(), early: one client is all this chat takes; a second
    // is refused, not left waiting.
    drop(tcp_server);
    // client_socket.close() comes with each `return` below: leaving run
    // drops (closes) the socket.
    let mut recv_data = [0; 1024];
    loop {
        // 服务端首先接收客户端的消息. TCP keeps no message boundaries: one
        // recv(1024) is one message only while the sides take turns.
        let n = match client_socket.read(&mut recv_data) {
            Ok(0) => return crate::closed("server", &peer), // closed without "88"
            Ok(n) => n,
            Err(e) => return crate::gone("server", &peer, e),
        };
        let recv_msg = crate::show(&recv_data[..n]);
        crate::print(&format!("收到客户端消息: {recv_msg}"))?;
        // 接收到"88"时, 服务端程序终止 (`88\n`, as `nc` sends it, counts too)
        if recv_msg == "88" {
            return Ok(());
        }
        // 发送消息
        let send_msg = crate::input("server", "请输入:")?;
        if let Err(e) = client_socket.write_all(send_msg.as_bytes()) {
            return crate::gone("server", &peer, e);
        }
        // Not in the article: saying 88 ends the server too, as it ends the client.
        if send_msg == "88" {
            return Ok(());
        }
    }
}
