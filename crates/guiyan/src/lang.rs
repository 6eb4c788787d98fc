//! Choosing the language of messages from `--lang` or the locale environment.

use campaign::Lang;

/// `--lang` wins; then LC_ALL, LC_MESSAGES, LANG (the POSIX order); unset means zh-CN.
pub fn resolve(flag: Option<&str>) -> Result<Lang, String> {
    if let Some(tag) = flag {
        return Lang::from_tag(tag).ok_or_else(|| format!("unknown language `{tag}`; expected zh or en"));
    }
    for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        if let Ok(value) = std::env::var(var)
            && !value.is_empty()
        {
            return Ok(Lang::from_tag(&value).unwrap_or(Lang::En));
        }
    }
    Ok(Lang::Zh)
}
