//! TCP client of article 000 (`p2p_tcp_client.py`): connects, then takes
//! turns with the server, sending first. `88` from either side ends the chat.

use std::{io, net::TcpStream};

use crate::console::{self, GOODBYE, context};

pub fn run(addr: &str) -> io::Result<()> {
    // 创建socket对象 + 与服务端绑定的地址信息保持一致, 连接服务端: one call.
    // The server must be started first: TCP is connection-oriented.
    let mut tcp_client =
        TcpStream::connect(addr).map_err(|e| context("cannot connect to", addr, e))?;
    chat(&mut tcp_client).or_else(|e| console::gone(e, "client", &format!("server {addr}")))
    // tcp_client.close(): the socket is closed when it is dropped.
}

fn chat(tcp_client: &mut TcpStream) -> io::Result<()> {
    loop {
        // 客户端首先发送消息 (发送的消息为"88"时, 客户端程序终止), 然后接收消息
        // (the server's 88 ends the client too): `||` stops at the first 88.
        if console::send(tcp_client, "client")? == GOODBYE
            || console::receive(tcp_client, "服务端")? == GOODBYE
        {
            return Ok(());
        }
    }
}
