//! TCP server of article 000 (`p2p_tcp_server.py`): accepts one client, then
//! takes turns with it, receiving first. `88` from either side ends the chat.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use crate::console::{self, GOODBYE};

pub const DEFAULT_ADDR: &str = "127.0.0.1:6666";
const BUFSIZ: usize = 1024;

pub fn run(addr: &str) -> io::Result<()> {
    // 创建socket对象, 绑定服务端的IP地址和端口号, 监听: TcpListener::bind
    // does all three (SOCK_STREAM is what a TcpListener is).
    let tcp_server = TcpListener::bind(addr).map_err(|e| bind_error(addr, e))?;
    log(&format!("Listening on {}", tcp_server.local_addr()?));
    // 获取连接的客户端套接字和地址信息
    let (client_socket, client_addr) = accept(&tcp_server);
    log(&format!("客户端已连接: {client_addr}"));
    // One client only, as in the article: stop listening (tcp_server.close()
    // comes at the end in Python; nobody else will be accepted anyway).
    drop(tcp_server);
    chat(client_socket, client_addr)
}

/// Waits for a client. A failed accept loses that client, not the server; the
/// pause keeps a persistent error (out of file descriptors) from spinning.
fn accept(tcp_server: &TcpListener) -> (TcpStream, SocketAddr) {
    loop {
        match tcp_server.accept() {
            Ok(pair) => return pair,
            Err(e) => {
                eprintln!("tcp-chat server: accept failed: {e}");
                thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

fn chat(mut client_socket: TcpStream, client_addr: SocketAddr) -> io::Result<()> {
    let mut recv_data = [0; BUFSIZ];
    loop {
        // 服务端首先接收客户端的消息: one read of up to 1024 bytes is one message.
        let n = match client_socket.read(&mut recv_data) {
            Ok(0) => return client_gone(client_addr, io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => n,
            Err(e) => return client_gone(client_addr, e),
        };
        console::show("客户端", &recv_data[..n])?;
        // 接收到"88"时, 服务端程序终止
        if console::is_goodbye(&recv_data[..n]) {
            return Ok(());
        }
        // 发送消息; sending 88 ends the server too.
        let send_msg = console::input("server", "请输入:")?;
        if let Err(e) = client_socket.write_all(&send_msg) {
            return client_gone(client_addr, e);
        }
        if send_msg == GOODBYE {
            return Ok(());
        }
    }
    // client_socket.close(): the socket is closed when it is dropped.
}

/// The client closed or reset the connection without saying 88: the chat is
/// over, said on stderr. Any other failure is an error.
fn client_gone(client_addr: SocketAddr, e: io::Error) -> io::Result<()> {
    use io::ErrorKind::*;
    match e.kind() {
        UnexpectedEof | ConnectionReset | ConnectionAborted | BrokenPipe => {
            eprintln!("tcp-chat server: client {client_addr} closed the connection, the chat is over");
            Ok(())
        }
        _ => Err(io::Error::new(e.kind(), format!("connection from {client_addr} failed: {e}"))),
    }
}

fn bind_error(addr: &str, e: io::Error) -> io::Error {
    let hint = match e.kind() {
        io::ErrorKind::AddrInUse => {
            "; address in use: is another server running? pass another ADDR, e.g. `cargo run -p tcp-chat -- server 127.0.0.1:0`"
        }
        _ => "",
    };
    io::Error::new(e.kind(), format!("cannot listen on {addr}: {e}{hint}"))
}

/// A line on stdout. A closed stdout (`| head -1`) must not stop the chat.
fn log(line: &str) {
    let mut out = io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}
