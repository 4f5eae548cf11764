//! TCP client of article 000 (`p2p_tcp_client.py`): connects, then takes
//! turns with the server, sending first. `88` from either side ends the chat.

use std::io::{self, Read, Write};
use std::net::TcpStream;

use crate::console::{self, GOODBYE};

pub const DEFAULT_ADDR: &str = "127.0.0.1:6666";
const BUFSIZ: usize = 1024;

pub fn run(addr: &str) -> io::Result<()> {
    // 创建socket对象 + 与服务端绑定的地址信息保持一致, 连接服务端: one call.
    // The server must be started first: TCP is connection-oriented.
    let mut tcp_client = TcpStream::connect(addr).map_err(|e| connect_error(addr, e))?;
    let mut recv_data = [0; BUFSIZ];
    loop {
        // 客户端首先发送消息
        let send_msg = console::input("client", "请输入:")?;
        if let Err(e) = tcp_client.write_all(&send_msg) {
            return server_gone(addr, e);
        }
        // 发送的消息为"88"时, 客户端程序终止
        if send_msg == GOODBYE {
            return Ok(());
        }
        // 接收消息: one read of up to 1024 bytes is one message.
        let n = match tcp_client.read(&mut recv_data) {
            Ok(0) => return server_gone(addr, io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => n,
            Err(e) => return server_gone(addr, e),
        };
        console::show("服务端", &recv_data[..n])?;
        // The server said 88: it has ended, and so does the client.
        if console::is_goodbye(&recv_data[..n]) {
            return Ok(());
        }
    }
    // tcp_client.close(): the socket is closed when it is dropped.
}

fn connect_error(addr: &str, e: io::Error) -> io::Error {
    let hint = match e.kind() {
        io::ErrorKind::ConnectionRefused => {
            "; connection refused: is the server running? start it first with `cargo run -p tcp-chat -- server`"
        }
        _ => "",
    };
    io::Error::new(e.kind(), format!("cannot connect to {addr}: {e}{hint}"))
}

/// The server closed or reset the connection without saying 88: the chat
/// is over, said on stderr. Any other failure is an error.
fn server_gone(addr: &str, e: io::Error) -> io::Result<()> {
    use io::ErrorKind::*;
    match e.kind() {
        UnexpectedEof | ConnectionReset | ConnectionAborted | BrokenPipe => {
            eprintln!("tcp-chat client: server {addr} closed the connection, the chat is over");
            Ok(())
        }
        _ => Err(io::Error::new(e.kind(), format!("connection to {addr} failed: {e}"))),
    }
}
