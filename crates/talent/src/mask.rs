//! Masking for display on the server (GB/T 35273 §7.2): what lists, exports and the district see
//! unless a field is revealed.
//!
//! - mobile: first 3 and last 4 digits, `138****1234`;
//! - ID number: first 4 and last 4 characters, `3708**********1234` (the province and city stay,
//!   which is all a reader needs to tell two people apart in a list);
//! - address: kept up to the street (see [`mask_address`]), the rest `****`;
//! - name: the surname, the rest one `*` per character (`张*`, `欧阳**`), for lists seen beyond
//!   the community.

use crate::id_number::IdNumber;
use crate::mobile::Mobile;
use crate::name::PersonName;

/// What stands for the hidden part of an address (a fixed width, so its length is not told).
pub const ADDRESS_MASK: &str = "****";

/// `13800138000` → `138****8000`.
pub fn mask_mobile(mobile: &Mobile) -> String {
    let digits = mobile.as_str();
    format!("{}****{}", &digits[..3], &digits[7..])
}

/// `370802198503151234` → `3708**********1234`.
pub fn mask_id_number(id: &IdNumber) -> String {
    let text = id.as_str();
    format!("{}**********{}", &text[..4], &text[14..])
}

/// The levels an address is cut after: a street (街道), town (镇) or township (乡).
const STREET_LEVEL: &[&str] = &["街道", "镇", "乡"];
/// The county level, kept when no street level is named: 区, 县, 旗 (Inner Mongolia).
const COUNTY_LEVEL: &[&str] = &["区", "县", "旗"];

/// An address cut after its street level, then `****`:
///
/// 1. find the first county marker (区/县/旗), which ends the district in a full address
///    (`…济南市历下区`);
/// 2. after it, the first street marker (街道/镇/乡): keep through it
///    (`山东省济南市历下区解放路街道****`). Searching after the county keeps a 镇 inside a city's name
///    (`镇江市`) from cutting too early, and also lets an address that starts at the street
///    (`解放路街道第一社区…`, whose first 区 is the 社区's) be cut at its street;
/// 3. else the first street marker anywhere;
/// 4. else keep through the county marker (`北京市朝阳区****`);
/// 5. else nothing is kept: `****`.
///
/// The kept part is always a prefix of the address, so the mask never shows more than the
/// address's head; a marker inside a road name (`乡村路`) cuts earlier, showing less.
pub fn mask_address(address: &str) -> String {
    let address = address.trim();
    let first = |markers: &[&str], from: usize| -> Option<usize> {
        markers.iter().filter_map(|m| address[from..].find(m).map(|i| from + i + m.len())).min()
    };
    let county = first(COUNTY_LEVEL, 0);
    let keep = county.and_then(|c| first(STREET_LEVEL, c)).or_else(|| first(STREET_LEVEL, 0)).or(county).unwrap_or(0);
    // Masked even when nothing follows the street, so every masked address has one form and
    // the length of the rest is never told.
    format!("{}{ADDRESS_MASK}", &address[..keep])
}

/// Compound surnames kept whole in a masked name.
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "令狐",
    "澹台", "端木", "轩辕", "南宫", "独孤", "呼延", "西门", "申屠", "闻人", "太史", "万俟", "钟离", "百里",
];

/// `张三` → `张*`, `欧阳娜娜` → `欧阳**`, a one-character name → `*`. A compound surname is kept whole
/// only when a given name follows it (so `欧阳` alone becomes `欧*`).
pub fn mask_name(name: &PersonName) -> String {
    let text = name.as_str();
    let total = text.chars().count();
    let kept = match COMPOUND_SURNAMES.iter().find(|s| text.starts_with(**s)) {
        Some(s) if total > 2 => s.chars().count(),
        _ if total > 1 => 1,
        _ => 0,
    };
    let head: String = text.chars().take(kept).collect();
    format!("{head}{}", "*".repeat(total - kept))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    #[test]
    fn mobile_and_id() {
        assert_eq!(mask_mobile(&Mobile::parse("13812341234").unwrap()), "138****1234");
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let id = IdNumber::parse("11010519491231002X", today).unwrap();
        assert_eq!(mask_id_number(&id), "1101**********002X");
    }

    #[test]
    fn addresses_are_cut_at_the_street() {
        let cases = [
            ("山东省济南市历下区解放路街道解放路第一社区3号楼2单元501", "山东省济南市历下区解放路街道****"),
            ("江苏省镇江市京口区大港街道港南路8号", "江苏省镇江市京口区大港街道****"),
            ("河南省驻马店市汝南县三桥镇小王庄村12号", "河南省驻马店市汝南县三桥镇****"),
            ("汝南县金铺乡何庄村", "汝南县金铺乡****"),
            ("解放路街道第一社区3号楼", "解放路街道****"),
            ("北京市朝阳区建国路88号", "北京市朝阳区****"),
            (
                "内蒙古自治区鄂尔多斯市伊金霍洛旗阿勒腾席热镇乌兰木伦街",
                "内蒙古自治区鄂尔多斯市伊金霍洛旗阿勒腾席热镇****",
            ),
            ("建国路88号", "****"),
            ("", "****"),
            ("历下区解放路街道", "历下区解放路街道****"),
        ];
        for (address, masked) in cases {
            assert_eq!(mask_address(address), masked, "{address}");
        }
    }

    #[test]
    fn names() {
        let n = |s: &str| PersonName::parse(s).unwrap();
        assert_eq!(mask_name(&n("张三")), "张*");
        assert_eq!(mask_name(&n("张三丰")), "张**");
        assert_eq!(mask_name(&n("欧阳娜娜")), "欧阳**");
        assert_eq!(mask_name(&n("欧阳")), "欧*");
        assert_eq!(mask_name(&n("张")), "*");
        assert_eq!(mask_name(&n("阿依古丽·买买提")), "阿*******");
    }

    proptest! {
        #[test]
        fn a_masked_address_shows_only_a_prefix(address in "[省市区县旗街道镇乡路号村社0-9a-z]{0,30}") {
            let masked = mask_address(&address);
            let head = masked.strip_suffix(ADDRESS_MASK).unwrap();
            prop_assert!(address.trim().starts_with(head));
        }

        #[test]
        fn a_masked_mobile_shows_seven_digits(n in "1[3-9][0-9]{9}") {
            let masked = mask_mobile(&Mobile::parse(&n).unwrap());
            prop_assert_eq!(masked.chars().filter(|c| c.is_ascii_digit()).count(), 7);
            prop_assert_eq!(&masked[..3], &n[..3]);
            prop_assert_eq!(&masked[7..], &n[7..]);
        }

        #[test]
        fn a_masked_name_shows_at_most_its_surname(name in "[张王李欧阳司马娜丽·]{1,10}") {
            if let Ok(n) = PersonName::parse(&name) {
                let masked = mask_name(&n);
                let shown = masked.chars().filter(|c| *c != '*').count();
                prop_assert!(shown <= 2);
                prop_assert_eq!(masked.chars().count(), n.as_str().chars().count());
            }
        }
    }
}
