//! TCP client of article 000 (`p2p_tcp_client.py`): connects, then takes
//! turns with the server, sending first. `88` from either side ends the chat.

use std::io::{self, Read, Write};

pub fn run(addr: &str) -> io::Result<()> {
    // 创建socket对象 + 与服务端绑定的地址信息保持一致, 连接服务端: one call.
    // The server must be started first: TCP is connection-oriented.
    let mut tcp_client = crate::connect(addr)?;
    let peer = format!("server {addr}");
    // tcp_client.close() comes with each `return` below: leaving run drops
    // (closes) the socket.
    let mut recv_data = [0; 1024];
    loop {
        // 客户端首先发送消息
        let send_msg = crate::input("client", "请输入:")?;
        if let Err(e) = tcp_client.write_all(send_msg.as_bytes()) {
            return crate::gone("client", &peer, e);
        }
        // 发送的消息为"88"时, 客户端程序终止
        if send_msg == "88" {
            return Ok(());
        }
        // 接收消息
        let n = match tcp_client.read(&mut recv_data) {
            Ok(0) => return crate::closed("client", &peer), // 服务端已关闭连接
            Ok(n) => n,
            Err(e) => return crate::gone("client", &peer, e),
        };
        let recv_msg = crate::show(&recv_data[..n]);
        crate::print(&format!("收到服务端消息: {recv_msg}"))?;
        // Not in the article: the server's 88 (or `88\n`) ends the client too.
        if recv_msg == "88" {
            return Ok(());
        }
    }
}
