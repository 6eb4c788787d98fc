//! Syntax of ids and e-mail addresses.

/// Ids (campaigns, tasks, units, levels, groups, figure keys) become parts of task ids such as
/// `spring-festival/2027/publicity/jiefang-1` and of URLs: lowercase ASCII letters, digits, '-'
/// and '_', starting with a letter or digit, at most 64 characters.
pub fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && id.len() <= 64
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// A pragmatic check of `local@domain.tld`: what mail servers accept from a directory, without
/// quoted local parts or IP literals.
pub fn is_valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && domain.len() <= 253
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    local_ok && domain_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        for ok in ["spring-festival", "jiefang-1", "a", "2027", "x_y"] {
            assert!(is_valid_id(ok), "{ok}");
        }
        for bad in ["", "-a", "Spring", "a/b", "a b", "春节", &"a".repeat(65)] {
            assert!(!is_valid_id(bad), "{bad}");
        }
    }

    #[test]
    fn emails() {
        for ok in ["zzb@shili.example.gov.cn", "a.b+c@x.io"] {
            assert!(is_valid_email(ok), "{ok}");
        }
        for bad in ["", "a", "a@", "@b.c", "a@b", "a@@b.c", "a b@c.d", "a@-b.c", "a..b@c.d", "a@b..c"] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }
}
