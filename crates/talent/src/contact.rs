//! How a community keeps in touch with a person: the channel of a follow-up, and which book
//! (户籍地 or 现居地) a person is listed in.

use crate::vocabulary::vocabulary;

vocabulary! {
    /// 联系方式 of one follow-up.
    pub enum Channel ("channel") {
        Visit => "visit", "走访", "Visit", ["入户走访", "上门走访"];
        Phone => "phone", "电话", "Phone call", ["电话联系"];
        WeChat => "wechat", "微信", "WeChat";
        Meeting => "meeting", "座谈", "Meeting", ["座谈会", "恳谈会"];
    }
}

vocabulary! {
    /// Why a person is in a community's book: a person may be in two, the place of household
    /// registration and the place they live.
    pub enum BookRole ("book-role") {
        Registered => "registered", "户籍地", "Place of household registration", ["户籍所在地", "户籍"];
        Residing => "residing", "现居地", "Place of residence", ["现居住地", "居住地"];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        assert_eq!(Channel::parse("恳谈会"), Ok(Channel::Meeting));
        assert_eq!(Channel::parse("WeChat"), Ok(Channel::WeChat));
        assert_eq!(BookRole::parse("现居地"), Ok(BookRole::Residing));
        assert!(Channel::parse("短信").is_err());
    }
}
