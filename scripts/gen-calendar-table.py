#!/usr/bin/env python3
"""Generate crates/calendar/tests/data/festivals-1901-2100.csv, an independent test table.

The table lists, for every Gregorian year 1901..=2100, the dates of the 8 lunar festivals
(spring-festival, lantern, dragon-boat, qixi, mid-autumn, double-ninth, laba, new-years-eve;
every date that falls in that Gregorian year, so laba may have 0 or 2 rows) and of the
24 solar terms (date in China Standard Time, UTC+8). Columns: year,name,date.

Sources, deliberately independent of the Rust crate's icu_calendar and tyme4rs:
  * zhdate 0.1 (PyPI; a month table for the lunar years 1900..=2100) gives the lunar dates;
  * lunardate 0.3.0 (PyPI; month tables from Fung F. Lee & Ricky Yeung's "lunar" project,
    lunar years 1900..=2099 only) is a second opinion: every festival date of 1900..=2099 is
    compared, and the only disagreement, lunardate's 1978-09-16 for mid-autumn 1978, is
    lunardate's error (PyEphem puts the new moon at 1978-09-03 00:08:53 UTC+8, so lunar 8-1
    was 09-03 and 8-15 was 09-17). Any other disagreement stops the script;
  * every lunar festival date is also checked against PyEphem's new moons: lunar day d must
    be the (d-1)-th day after the day of the preceding new moon in Chinese civil time
    (UTC+8 from 1929, Beijing mean time UTC+7:45:40 before);
  * ephem 4.2.1 (PyPI, PyEphem/libastro; VSOP87 sun, nutation, aberration, Delta-T) for the
    solar terms: the instant when the Sun's apparent geocentric ecliptic longitude (of date)
    reaches 15*k degrees, found by bisection to 0.1 s, then shifted to UTC+8;
  * skyfield 1.55 with skyfield-data 7.0.0 (JPL's DE421 ephemeris, 1900..=2050, shipped in
    the package) re-times every solar term that ephem puts within 3 minutes of midnight
    before 2050 (ephem and DE421 differ by up to about 40 s over 1901..=2049, DE421 being
    the far more accurate).
    Where the two disagree on the date, DE421's date is used and noted on stderr (this
    happens once: lixia 1911, at 23:59:46 UTC+8 on May 6 by DE421, 00:00:28 on May 7 by
    ephem). After 2050 ephem's dates agree with Yuk Tung Liu's DE431 predictions for the
    near-midnight terms he lists (2051 chunfen, 2083 lichun, 2084 chunfen and mangzhong).

Rerun (a few seconds):
    python3 -m venv /tmp/calvenv
    /tmp/calvenv/bin/pip install lunardate==0.3.0 zhdate==0.1 ephem==4.2.1 \
        skyfield==1.55 skyfield-data==7.0.0
    /tmp/calvenv/bin/python scripts/gen-calendar-table.py \
        > crates/calendar/tests/data/festivals-1901-2100.csv
With --near-midnight it instead prints the solar terms that fall within 10 minutes of
midnight UTC+8 (the dates most sensitive to the ephemeris and Delta-T), with both times.
"""

import datetime as dt
import math
import sys

import ephem
import skyfield_data
from skyfield.api import Loader
from skyfield.framelib import ecliptic_frame
from lunardate import LunarDate
from zhdate import ZhDate

FIRST_YEAR = 1901
LAST_YEAR = 2100
CST = dt.timedelta(hours=8)

LUNAR_FESTIVALS = [
    ("spring-festival", 1, 1),
    ("lantern", 1, 15),
    ("dragon-boat", 5, 5),
    ("qixi", 7, 7),
    ("mid-autumn", 8, 15),
    ("double-ninth", 9, 9),
    ("laba", 12, 8),
]

NEAR_MIDNIGHT = dt.timedelta(minutes=3)
DE421_LAST_YEAR = 2049

# Canonical names (pinyin without tones) by apparent solar longitude / 15 degrees.
SOLAR_TERMS = {
    0: "chunfen", 1: "qingming", 2: "guyu", 3: "lixia", 4: "xiaoman", 5: "mangzhong",
    6: "xiazhi", 7: "xiaoshu", 8: "dashu", 9: "liqiu", 10: "chushu", 11: "bailu",
    12: "qiufen", 13: "hanlu", 14: "shuangjiang", 15: "lidong", 16: "xiaoxue", 17: "daxue",
    18: "dongzhi", 19: "xiaohan", 20: "dahan", 21: "lichun", 22: "yushui", 23: "jingzhe",
}


# --- lunar festivals -------------------------------------------------------------------


def lunardate_to_solar(year, month, day):
    return LunarDate(year, month, day, 0).to_solar_date()


def zhdate_to_solar(year, month, day):
    return ZhDate(year, month, day).to_datetime().date()


def lunar_to_solar(year, month, day):
    """Gregorian date of a (non-leap) lunar date."""
    return zhdate_to_solar(year, month, day)


def new_years_eve(lunar_year):
    """The last day of a lunar year: the day before the next lunar year's first day."""
    return lunar_to_solar(lunar_year + 1, 1, 1) - dt.timedelta(days=1)


# (festival, lunar year): zhdate's date, checked against the new moon (see the header).
KNOWN_LUNARDATE_ERRORS = {("mid-autumn", 1978): dt.date(1978, 9, 17)}


def civil_offset(date):
    """China's civil time: UTC+8 from 1929, Beijing mean solar time (116°24'E) before."""
    if date.year >= 1929:
        return CST
    return dt.timedelta(hours=7, minutes=45, seconds=40)


def check_against_new_moon(name, lunar_day, date):
    """Lunar day `lunar_day` on `date` means the month began lunar_day-1 days earlier, on the
    civil day of the last new moon."""
    offset = civil_offset(date)
    end_of_day = dt.datetime(date.year, date.month, date.day) + dt.timedelta(days=1) - offset
    new_moon = ephem.previous_new_moon(ephem.Date(end_of_day)).datetime() + offset
    first_day = date - dt.timedelta(days=lunar_day - 1)
    if new_moon.date() != first_day:
        sys.exit(f"{name} on {date}: the month began {first_day} but the new moon was {new_moon}")


def cross_check_lunar_packages():
    """zhdate, lunardate and the Moon must agree, or the table is not trusted."""
    for year in range(1900, 2101):
        for name, month, day in LUNAR_FESTIVALS:
            ours = zhdate_to_solar(year, month, day)
            check_against_new_moon(name, day, ours)
            if year > 2099:
                continue
            other = lunardate_to_solar(year, month, day)
            if other != ours and KNOWN_LUNARDATE_ERRORS.get((name, year)) != ours:
                sys.exit(f"lunardate and zhdate disagree on {name} {year}: {other} vs {ours}")


def lunar_rows(year):
    rows = []
    # Festivals of lunar year Y-1 can fall in January/February of Gregorian year Y.
    for lunar_year in (year - 1, year):
        for name, month, day in LUNAR_FESTIVALS:
            date = lunar_to_solar(lunar_year, month, day)
            if date.year == year:
                rows.append((name, date))
        if lunar_year < 2100:
            eve = new_years_eve(lunar_year)
            if eve.year == year:
                rows.append(("new-years-eve", eve))
    if year == 2100:
        # zhdate stops at lunar 2100, so the eve of lunar 2100 is not computed; it is the day
        # before lunar 2101-1-1, i.e. after lunar 2100-12-8, which already falls in 2101.
        assert zhdate_to_solar(2100, 12, 8).year == 2101
    return rows


# --- solar terms -----------------------------------------------------------------------


def apparent_solar_longitude(when):
    """Apparent geocentric ecliptic longitude of the Sun, radians, ecliptic of date."""
    date = ephem.Date(when)
    sun = ephem.Sun()
    sun.compute(date, epoch=date)
    equatorial = ephem.Equatorial(sun.g_ra, sun.g_dec, epoch=date)
    return float(ephem.Ecliptic(equatorial, epoch=date).lon)


def crossing(target, start, end):
    """Bisect for the instant in [start, end] (ephem dates, UT) where the longitude reaches
    `target` radians; the caller guarantees exactly one crossing in between."""

    def ahead(when):
        diff = (apparent_solar_longitude(when) - target + math.pi) % (2 * math.pi) - math.pi
        return diff >= 0

    lo, hi = start, end
    while (hi - lo) * 86400 > 0.1:
        mid = (lo + hi) / 2
        if ahead(mid):
            hi = mid
        else:
            lo = mid
    return ephem.Date((lo + hi) / 2)


class De421:
    """The Sun's apparent longitude from JPL DE421, as shipped by skyfield-data."""

    def __init__(self):
        load = Loader(skyfield_data.get_skyfield_data_path())
        ephemeris = load("de421.bsp")
        self.timescale = load.timescale(builtin=True)
        self.earth = ephemeris["earth"]
        self.sun = ephemeris["sun"]

    def longitude(self, tt):
        apparent = self.earth.at(self.timescale.tt_jd(tt)).observe(self.sun).apparent()
        return apparent.frame_latlon(ecliptic_frame)[1].degrees

    def crossing(self, degrees, near_local):
        """UTC+8 instant of the crossing of `degrees` within an hour of `near_local`."""
        near = near_local - CST
        lo = self.timescale.utc(near.year, near.month, near.day, near.hour - 1, near.minute).tt
        hi = self.timescale.utc(near.year, near.month, near.day, near.hour + 1, near.minute).tt
        while (hi - lo) * 86400 > 0.1:
            mid = (lo + hi) / 2
            if (self.longitude(mid) - degrees + 180) % 360 - 180 >= 0:
                hi = mid
            else:
                lo = mid
        utc = self.timescale.tt_jd((lo + hi) / 2).utc_datetime().replace(tzinfo=None)
        return utc + CST


_DE421 = None


def de421():
    global _DE421
    if _DE421 is None:
        _DE421 = De421()
    return _DE421


def near_midnight(local, window):
    since_midnight = local - dt.datetime(local.year, local.month, local.day)
    return since_midnight < window or dt.timedelta(days=1) - since_midnight < window


def refined(year, name, local):
    """ephem's instant, or DE421's where ephem's is too close to midnight to decide the day."""
    if year > DE421_LAST_YEAR or not near_midnight(local, NEAR_MIDNIGHT):
        return local
    degrees = 15 * next(k for k, term in SOLAR_TERMS.items() if term == name)
    better = de421().crossing(degrees, local)
    if better.date() != local.date():
        print(f"{year} {name}: ephem {local} but DE421 {better} (UTC+8); using DE421",
              file=sys.stderr)
    return better


def solar_term_instants(year):
    """(name, UTC+8 datetime) for every solar term in Gregorian year `year` (UTC+8)."""
    start = ephem.Date(dt.datetime(year, 1, 1) - CST)
    end = ephem.Date(dt.datetime(year + 1, 1, 1) - CST)
    found = []
    step = 1.0
    t = float(start)
    lon = apparent_solar_longitude(t)
    while t < float(end):
        t2 = min(t + step, float(end))
        lon2 = apparent_solar_longitude(t2)
        k1 = math.floor(math.degrees(lon) / 15)
        k2 = math.floor(math.degrees(lon2) / 15)
        if k1 != k2:
            k = k2 % 24
            instant = crossing(math.radians(15 * k), t, t2)
            local = instant.datetime() + CST
            found.append((SOLAR_TERMS[k], local))
        t, lon = t2, lon2
    found = [(name, refined(year, name, local)) for name, local in found]
    names = [name for name, _ in found]
    assert sorted(names) == sorted(SOLAR_TERMS.values()), (year, names)
    assert all(local.year == year for _, local in found), (year, found)
    return found


# --- output ----------------------------------------------------------------------------


def main():
    if "--near-midnight" in sys.argv[1:]:
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            for name, local in solar_term_instants(year):
                if near_midnight(local, dt.timedelta(minutes=10)):
                    print(f"{year},{name},{local:%Y-%m-%d %H:%M:%S} UTC+8")
        return
    cross_check_lunar_packages()
    out = sys.stdout
    out.write("year,name,date\n")
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        rows = lunar_rows(year)
        rows += [(name, local.date()) for name, local in solar_term_instants(year)]
        rows.sort(key=lambda row: (row[1], row[0]))
        for name, date in rows:
            out.write(f"{year},{name},{date.isoformat()}\n")


if __name__ == "__main__":
    main()
