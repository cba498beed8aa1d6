//! Code tables (代码表) of the student record (学生基本信息), and their look-ups.
//!
//! Each table lists `(code, label)`; records store the code. The source of each table is named
//! on it. Tables from the national standards: GB/T 2261.1 (gender), GB/T 3304 (ethnic groups),
//! GB/T 2659 (countries and regions, generated: `data/gb2659.rs`), GB/T 4762 (political
//! status), GB/T 2261.3 (health). The others follow the national student-status system's
//! basic-information form (JY/T 1001 教育管理信息 基础代码 where it has one).

use serde::{Deserialize, Serialize};

/// 性别 (GB/T 2261.1): 1 男, 2 女.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    /// GB/T 2261.1 code.
    pub fn code(self) -> &'static str {
        match self {
            Gender::Male => "1",
            Gender::Female => "2",
        }
    }
    pub fn from_code(code: &str) -> Option<Gender> {
        match code {
            "1" => Some(Gender::Male),
            "2" => Some(Gender::Female),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Gender::Male => "男",
            Gender::Female => "女",
        }
    }
}

/// One code table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CodeTable {
    /// Stable key, e.g. `ethnic_group`.
    pub key: &'static str,
    /// Chinese name of the table.
    pub name: &'static str,
    /// Where the codes come from.
    pub source: &'static str,
    pub entries: &'static [(&'static str, &'static str)],
}

impl CodeTable {
    pub fn label(&self, code: &str) -> Option<&'static str> {
        self.entries
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, l)| *l)
    }
    pub fn contains(&self, code: &str) -> bool {
        self.entries.iter().any(|(c, _)| *c == code)
    }
    /// The code of a label (for imports that carry labels instead of codes).
    pub fn code_of(&self, label: &str) -> Option<&'static str> {
        self.entries
            .iter()
            .find(|(_, l)| *l == label)
            .map(|(c, _)| *c)
    }
}

pub const GENDER: CodeTable = CodeTable {
    key: "gender",
    name: "性别",
    source: "GB/T 2261.1-2003",
    entries: &[("1", "男"), ("2", "女")],
};

/// 民族 (GB/T 3304-1991): the 56 ethnic groups, 97 其他, 98 外国血统中国籍人士.
pub const ETHNIC_GROUP: CodeTable = CodeTable {
    key: "ethnic_group",
    name: "民族",
    source: "GB/T 3304-1991",
    entries: &[
        ("01", "汉族"),
        ("02", "蒙古族"),
        ("03", "回族"),
        ("04", "藏族"),
        ("05", "维吾尔族"),
        ("06", "苗族"),
        ("07", "彝族"),
        ("08", "壮族"),
        ("09", "布依族"),
        ("10", "朝鲜族"),
        ("11", "满族"),
        ("12", "侗族"),
        ("13", "瑶族"),
        ("14", "白族"),
        ("15", "土家族"),
        ("16", "哈尼族"),
        ("17", "哈萨克族"),
        ("18", "傣族"),
        ("19", "黎族"),
        ("20", "傈僳族"),
        ("21", "佤族"),
        ("22", "畲族"),
        ("23", "高山族"),
        ("24", "拉祜族"),
        ("25", "水族"),
        ("26", "东乡族"),
        ("27", "纳西族"),
        ("28", "景颇族"),
        ("29", "柯尔克孜族"),
        ("30", "土族"),
        ("31", "达斡尔族"),
        ("32", "仫佬族"),
        ("33", "羌族"),
        ("34", "布朗族"),
        ("35", "撒拉族"),
        ("36", "毛南族"),
        ("37", "仡佬族"),
        ("38", "锡伯族"),
        ("39", "阿昌族"),
        ("40", "普米族"),
        ("41", "塔吉克族"),
        ("42", "怒族"),
        ("43", "乌孜别克族"),
        ("44", "俄罗斯族"),
        ("45", "鄂温克族"),
        ("46", "德昂族"),
        ("47", "保安族"),
        ("48", "裕固族"),
        ("49", "京族"),
        ("50", "塔塔尔族"),
        ("51", "独龙族"),
        ("52", "鄂伦春族"),
        ("53", "赫哲族"),
        ("54", "门巴族"),
        ("55", "珞巴族"),
        ("56", "基诺族"),
        ("97", "其他"),
        ("98", "外国血统中国籍人士"),
    ],
};

/// 身份证件类型 code of the resident ID card (居民身份证).
pub const ID_TYPE_RESIDENT_CARD: &str = "1";
/// 身份证件类型 code of 其他 (the only type that may go without a number).
pub const ID_TYPE_OTHER: &str = "Z";

/// 身份证件类型 (JY/T 1001 codes), the seven types of the student form.
pub const ID_TYPE: CodeTable = CodeTable {
    key: "id_type",
    name: "身份证件类型",
    source: "JY/T 1001 身份证件类型码",
    entries: &[
        ("1", "居民身份证"),
        ("6", "香港特区护照/身份证明"),
        ("7", "澳门特区护照/身份证明"),
        ("8", "台湾居民来往大陆通行证"),
        ("9", "境外永久居住证"),
        ("A", "护照"),
        ("Z", "其他"),
    ],
};

/// 港澳台侨外.
pub const HMT_OVERSEAS: CodeTable = CodeTable {
    key: "hmt_overseas",
    name: "港澳台侨外",
    source: "JY/T 1001 港澳台侨外码",
    entries: &[
        ("00", "否"),
        ("01", "香港同胞"),
        ("02", "香港同胞亲属"),
        ("03", "澳门同胞"),
        ("04", "澳门同胞亲属"),
        ("05", "台湾同胞"),
        ("06", "台湾同胞亲属"),
        ("11", "华侨"),
        ("12", "侨眷"),
        ("13", "归侨"),
        ("14", "归侨子女"),
        ("21", "归国留学人员"),
        ("31", "非华裔中国人"),
        ("41", "外籍华裔人"),
        ("51", "外国人"),
        ("99", "其他"),
    ],
};

/// 政治面貌 (GB/T 4762-1984, with 少先队员 as used for pupils).
pub const POLITICAL_STATUS: CodeTable = CodeTable {
    key: "political_status",
    name: "政治面貌",
    source: "GB/T 4762-1984; 14 少先队员 as in education systems",
    entries: &[
        ("01", "中国共产党党员"),
        ("02", "中国共产党预备党员"),
        ("03", "中国共产主义青年团团员"),
        ("04", "中国国民党革命委员会会员"),
        ("05", "中国民主同盟盟员"),
        ("06", "中国民主建国会会员"),
        ("07", "中国民主促进会会员"),
        ("08", "中国农工民主党党员"),
        ("09", "中国致公党党员"),
        ("10", "九三学社社员"),
        ("11", "台湾民主自治同盟盟员"),
        ("12", "无党派民主人士"),
        ("13", "群众"),
        ("14", "少先队员"),
    ],
};

/// Code of 残疾 in [`HEALTH_STATUS`].
pub const HEALTH_DISABLED: &str = "6";

/// 健康状况 (GB/T 2261.3-2003, the four values of the student form).
pub const HEALTH_STATUS: CodeTable = CodeTable {
    key: "health_status",
    name: "健康状况",
    source: "GB/T 2261.3-2003",
    entries: &[
        ("1", "健康或良好"),
        ("2", "一般或较弱"),
        ("3", "有慢性病"),
        (HEALTH_DISABLED, "残疾"),
    ],
};

/// 户口性质.
pub const HOUSEHOLD_NATURE: CodeTable = CodeTable {
    key: "household_nature",
    name: "户口性质",
    source: "学籍系统学生基本信息表",
    entries: &[("1", "农业户口"), ("2", "非农业户口"), ("3", "居民户口")],
};

/// 入学方式.
pub const ENTRY_MODE: CodeTable = CodeTable {
    key: "entry_mode",
    name: "入学方式",
    source: "学籍系统学生基本信息表",
    entries: &[
        ("1", "就近入学"),
        ("2", "相对就近入学"),
        ("3", "派位"),
        ("4", "考试"),
        ("5", "推荐保送"),
        ("9", "其他"),
    ],
};

/// 就读方式.
pub const STUDY_MODE: CodeTable = CodeTable {
    key: "study_mode",
    name: "就读方式",
    source: "学籍系统学生基本信息表",
    entries: &[("1", "走读"), ("2", "住校")],
};

/// 学生来源.
pub const STUDENT_SOURCE: CodeTable = CodeTable {
    key: "student_source",
    name: "学生来源",
    source: "学籍系统学生基本信息表",
    entries: &[("1", "正常入学"), ("2", "借读"), ("3", "其他")],
};

/// 是否留守儿童.
pub const LEFT_BEHIND: CodeTable = CodeTable {
    key: "left_behind",
    name: "是否留守儿童",
    source: "学籍系统学生基本信息表",
    entries: &[
        ("0", "非留守儿童"),
        ("1", "单亲外出务工"),
        ("2", "双亲外出务工"),
    ],
};

/// 随班就读.
pub const INCLUSIVE_CLASS: CodeTable = CodeTable {
    key: "inclusive_class",
    name: "随班就读",
    source: "学籍系统学生基本信息表",
    entries: &[
        ("0", "非随班就读"),
        ("1", "视力残疾随班就读"),
        ("2", "听力残疾随班就读"),
        ("3", "智力残疾随班就读"),
        ("4", "其他残疾随班就读"),
    ],
};

/// 残疾人类型 (GB/T 26341 categories).
pub const DISABILITY_TYPE: CodeTable = CodeTable {
    key: "disability_type",
    name: "残疾人类型",
    source: "GB/T 26341-2010 残疾类别",
    entries: &[
        ("0", "无残疾"),
        ("1", "视力残疾"),
        ("2", "听力残疾"),
        ("3", "言语残疾"),
        ("4", "肢体残疾"),
        ("5", "智力残疾"),
        ("6", "精神残疾"),
        ("7", "多重残疾"),
        ("9", "其他残疾"),
    ],
};

/// 上下学方式.
pub const TRAVEL_MODE: CodeTable = CodeTable {
    key: "travel_mode",
    name: "上下学方式",
    source: "学籍系统学生基本信息表",
    entries: &[
        ("1", "步行"),
        ("2", "自行车（含电动自行车）"),
        ("3", "公共交通（含城市公交、农村客运、地铁）"),
        ("4", "家长自行接送"),
        ("5", "校车"),
        ("9", "其他"),
    ],
};

/// Code of 其他 in [`RELATION`]: needs a 关系说明.
pub const RELATION_OTHER: &str = "9";

/// 家庭成员关系.
pub const RELATION: CodeTable = CodeTable {
    key: "relation",
    name: "关系",
    source: "学籍系统学生基本信息表",
    entries: &[
        ("1", "父亲"),
        ("2", "母亲"),
        ("3", "祖父母或外祖父母"),
        ("4", "兄弟姐妹"),
        ("5", "其他亲属"),
        (RELATION_OTHER, "其他"),
    ],
};

/// Every table above (for the frontend's selects and the API).
pub const TABLES: &[CodeTable] = &[
    GENDER,
    ETHNIC_GROUP,
    ID_TYPE,
    HMT_OVERSEAS,
    POLITICAL_STATUS,
    HEALTH_STATUS,
    HOUSEHOLD_NATURE,
    ENTRY_MODE,
    STUDY_MODE,
    STUDENT_SOURCE,
    LEFT_BEHIND,
    INCLUSIVE_CLASS,
    DISABILITY_TYPE,
    TRAVEL_MODE,
    RELATION,
];

/// A table by key.
pub fn table(key: &str) -> Option<&'static CodeTable> {
    TABLES.iter().find(|t| t.key == key)
}

mod gb2659 {
    include!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/gb2659.rs"));
}

/// Where the country table came from.
pub const COUNTRY_SOURCE: &str = gb2659::SOURCE;

/// Record code of China in 国籍/地区.
pub const CHINA: &str = "CHN";

/// One country or region of GB/T 2659 (国籍/地区). Records store the alpha-3 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Country {
    pub alpha3: &'static str,
    pub numeric: u16,
    pub alpha2: &'static str,
    pub name: &'static str,
}

/// Looks a country up by its alpha-3 code (`CHN`).
pub fn country(alpha3: &str) -> Option<Country> {
    gb2659::COUNTRIES
        .binary_search_by(|(a, ..)| (*a).cmp(alpha3))
        .ok()
        .and_then(|i| gb2659::COUNTRIES.get(i))
        .map(|&(alpha3, numeric, alpha2, name)| Country {
            alpha3,
            numeric,
            alpha2,
            name,
        })
}

/// All countries and regions, by alpha-3 code.
pub fn countries() -> impl Iterator<Item = Country> {
    gb2659::COUNTRIES
        .iter()
        .map(|&(alpha3, numeric, alpha2, name)| Country {
            alpha3,
            numeric,
            alpha2,
            name,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ethnic_groups_are_56_plus_two() {
        assert_eq!(ETHNIC_GROUP.entries.len(), 58);
        assert_eq!(ETHNIC_GROUP.label("01"), Some("汉族"));
        assert_eq!(ETHNIC_GROUP.label("56"), Some("基诺族"));
        assert_eq!(ETHNIC_GROUP.label("98"), Some("外国血统中国籍人士"));
        assert_eq!(ETHNIC_GROUP.label("57"), None);
        assert_eq!(ETHNIC_GROUP.code_of("回族"), Some("03"));
    }

    #[test]
    fn tables_have_unique_codes_and_labels() {
        for t in TABLES {
            let mut codes: Vec<_> = t.entries.iter().map(|e| e.0).collect();
            codes.sort();
            codes.dedup();
            assert_eq!(codes.len(), t.entries.len(), "{}", t.key);
            assert_eq!(table(t.key), Some(t));
        }
        assert_eq!(ID_TYPE.entries.len(), 7);
        assert!(ID_TYPE.contains(ID_TYPE_OTHER) && ID_TYPE.contains(ID_TYPE_RESIDENT_CARD));
        assert_eq!(table("nope"), None);
    }

    #[test]
    fn countries_table() {
        let cn = country(CHINA).unwrap();
        assert_eq!((cn.numeric, cn.alpha2, cn.name), (156, "CN", "中国"));
        for (c, name) in [
            ("HKG", "中国香港"),
            ("MAC", "中国澳门"),
            ("TWN", "中国台湾"),
        ] {
            assert_eq!(country(c).map(|c| c.name), Some(name));
        }
        assert!(country("USA").is_some());
        assert!(country("XXX").is_none());
        assert!(countries().count() > 240);
        let v: Vec<_> = countries().map(|c| c.alpha3).collect();
        assert!(v.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn gender_codes() {
        assert_eq!(Gender::from_code("1"), Some(Gender::Male));
        assert_eq!(Gender::from_code("2").map(Gender::label), Some("女"));
        assert_eq!(Gender::from_code("0"), None);
        assert_eq!(GENDER.label(Gender::Female.code()), Some("女"));
    }
}
