//! Code tables (代码表) of the student record (学生基本信息), and their look-ups.
//!
//! Each table lists `(code, label)`; records store the code. The source of each table is named
//! on it (and in its `source`). Tables from the national standards: GB/T 2261.1 (gender),
//! GB/T 3304 (ethnic groups), GB/T 2659 (countries and regions, generated: `data/gb2659.rs`),
//! GB/T 4762 (political status). The others follow the national student-status system's
//! basic-information form (全国中小学生学籍信息管理系统《学生基本信息表》 and its
//! 指标解释及填报说明, 2013–2014; JY/T 1001 教育管理信息 基础代码 where it has one).
//!
//! Verified against (2026-12): the filling instructions as republished at
//! <https://m.douchai.cn/document/47437717.html> (coded version: 1-男, 8 身份证件类型 1/6/7/8/9/A/Z,
//! …) and <https://max.book118.com/html/2016/1125/65670670.shtm> (label version: 政治面貌 填“群众”,
//! 国籍/地区 中国、美国、台湾、香港、澳门, 健康状况 …), and the form's code lists as replicated in
//! the open-source repository `chengyz/platform` (file
//! `platform/.svn/pristine/80/80c49e8ba2f5dee6e4e43f16e038c23b12b8884f.svn-base`, commit 5a28dae:
//! 入学方式, 健康状况, 户口性质, 学生来源, 是否留守儿童 labels, 随班就读, 残疾类型, 关系, 上下学交通方式,
//! 血型, the full 身份证件类型 list, 政治面貌 short names, 国籍/地区 香港/澳门/台湾). Other school
//! systems' replicas of the form (PHP/JSP/Java code found by the labels 单亲留守儿童,
//! 统一招生考试/普通入学, 有生理缺陷, 未定血型) agree with it on the labels. Each table says which.
//!
//! Import cells may carry a table's label, or one of its `aliases` (the short names the form's
//! cells use, e.g. 共青团员 for 03 中国共产主义青年团团员).

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

/// The national student form and its filling instructions, source of most tables below.
pub const FORM: &str = "全国中小学生学籍信息管理系统 学生基本信息表 指标解释及填报说明";

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
    /// Other labels accepted on input (import cells): `(alias, code)`.
    pub aliases: &'static [(&'static str, &'static str)],
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
    /// The code of a label or alias (for imports that carry labels instead of codes).
    pub fn code_of(&self, label: &str) -> Option<&'static str> {
        self.entries
            .iter()
            .find(|(_, l)| *l == label)
            .map(|(c, _)| *c)
            .or_else(|| {
                self.aliases
                    .iter()
                    .find(|(a, _)| *a == label)
                    .map(|(_, c)| *c)
            })
    }
    /// The allowed values as `code label`, joined for a message (`1 走读、2 住校`).
    pub fn allowed(&self) -> String {
        let v: Vec<String> = self
            .entries
            .iter()
            .map(|(c, l)| format!("{c} {l}"))
            .collect();
        v.join("、")
    }
}

pub const GENDER: CodeTable = CodeTable {
    key: "gender",
    name: "性别",
    source: "GB/T 2261.1-2003",
    entries: &[("1", "男"), ("2", "女")],
    aliases: &[],
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
    aliases: &[],
};

/// 身份证件类型 code of the resident ID card (居民身份证).
pub const ID_TYPE_RESIDENT_CARD: &str = "1";
/// 身份证件类型 code of 其他 (the only type that may go without a number).
pub const ID_TYPE_OTHER: &str = "Z";

/// 身份证件类型 (JY/T 1001 codes), the seven types of the student form (filling instructions
/// item 8: 1, 6, 7, 8, 9, A, Z).
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
    aliases: &[],
};

/// 港澳台侨外 (JY/T 1001; the filling instructions' list and repository `chengyz/platform`).
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
    aliases: &[],
};

/// 政治面貌 (GB/T 4762-1984 政治面貌代码). There is no 少先队员 code: the form's filling
/// instructions say pupils fill 群众 (13). The form's cells use the short names 中共党员,
/// 中共预备党员, 共青团员, 群众 (repository `chengyz/platform`'s list of the form: 01 中共党员,
/// 02 中共预备党员, 03 共青团员, 13 群众), accepted as aliases. Not required on the form.
pub const POLITICAL_STATUS: CodeTable = CodeTable {
    key: "political_status",
    name: "政治面貌",
    source: "GB/T 4762-1984; short names as on the national student form",
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
    ],
    aliases: &[
        ("中共党员", "01"),
        ("中共预备党员", "02"),
        ("共青团员", "03"),
    ],
};

/// Code of 残疾 in [`HEALTH_STATUS`].
pub const HEALTH_DISABLED: &str = "50";

/// 健康状况: the form's five values with the filling instructions' codes 10–50 (repository
/// `chengyz/platform`: 10 健康或良好, 20 一般或较弱, 30 有慢性病, 40 有生理缺陷, 50 残疾). These are
/// not GB/T 2261.3's one-digit codes (1/2/3/6), which the table used before.
pub const HEALTH_STATUS: CodeTable = CodeTable {
    key: "health_status",
    name: "健康状况",
    source: "学生基本信息表 指标解释及填报说明 (10–50)",
    entries: &[
        ("10", "健康或良好"),
        ("20", "一般或较弱"),
        ("30", "有慢性病"),
        ("40", "有生理缺陷"),
        (HEALTH_DISABLED, "残疾"),
    ],
    aliases: &[],
};

/// 户口性质: the form has only 1 农业户口 and 2 非农业户口 (repository `chengyz/platform`; the
/// replicas' radio buttons offer the same two; no source has a third value).
pub const HOUSEHOLD_NATURE: CodeTable = CodeTable {
    key: "household_nature",
    name: "户口性质",
    source: FORM,
    entries: &[("1", "农业户口"), ("2", "非农业户口")],
    aliases: &[("农业", "1"), ("非农业", "2")],
};

/// 入学方式 codes of compulsory education (小学, 初中).
pub const ENTRY_MODES_COMPULSORY: &[&str] = &["11", "12"];
/// 入学方式 codes of senior high school (高中).
pub const ENTRY_MODES_SENIOR: &[&str] = &["21", "22", "23", "99"];

/// 入学方式: stage-dependent. Compulsory education 11 就近入学, 12 其他; senior high 21
/// 统一招生考试/普通入学, 22 体育特招, 23 艺术特招, 99 其他 (filling instructions; repository
/// `chengyz/platform` labels 12 义务教育阶段其他 and 99 高中阶段其他, which keeps the labels
/// unique; a cell saying just 其他 is read by the record's stage, [`entry_mode_of_label`]).
/// Which codes a stage allows: [`entry_modes_for`].
pub const ENTRY_MODE: CodeTable = CodeTable {
    key: "entry_mode",
    name: "入学方式",
    source: FORM,
    entries: &[
        ("11", "就近入学"),
        ("12", "义务教育阶段其他"),
        ("21", "统一招生考试/普通入学"),
        ("22", "体育特招"),
        ("23", "艺术特招"),
        ("99", "高中阶段其他"),
    ],
    aliases: &[
        ("统一招生考试", "21"),
        ("普通入学", "21"),
        ("文艺特招", "23"),
    ],
};

/// The 入学方式 codes allowed in a stage.
pub fn entry_modes_for(stage: crate::stage::Stage) -> &'static [&'static str] {
    match stage {
        crate::stage::Stage::Primary | crate::stage::Stage::Junior => ENTRY_MODES_COMPULSORY,
        crate::stage::Stage::Senior => ENTRY_MODES_SENIOR,
    }
}

/// The 入学方式 code of a label in a stage: the table's labels and aliases, and 其他 as 12 in
/// compulsory education, 99 in senior high.
pub fn entry_mode_of_label(
    label: &str,
    stage: Option<crate::stage::Stage>,
) -> Option<&'static str> {
    if let Some(c) = ENTRY_MODE.code_of(label) {
        return Some(c);
    }
    match (label, stage) {
        ("其他" | "其它", Some(crate::stage::Stage::Senior)) => Some("99"),
        ("其他" | "其它", Some(_)) => Some("12"),
        _ => None,
    }
}

/// 就读方式 (the national student form; repository `chengyz/platform`: 1 走读, 2 住校).
pub const STUDY_MODE: CodeTable = CodeTable {
    key: "study_mode",
    name: "就读方式",
    source: FORM,
    entries: &[("1", "走读"), ("2", "住校")],
    aliases: &[],
};

/// 学生来源 (the national student form; repository `chengyz/platform`: 1 正常入学, 2 借读, 9 其他). Not required on
/// the form.
pub const STUDENT_SOURCE: CodeTable = CodeTable {
    key: "student_source",
    name: "学生来源",
    source: FORM,
    entries: &[("1", "正常入学"), ("2", "借读"), ("9", "其他")],
    aliases: &[],
};

/// 是否留守儿童 (the national student form: 0 非留守儿童, 1 单亲留守儿童, 2 双亲留守儿童; the labels in repository
/// `chengyz/platform` and every replica found; the codes 0/1/2 as in the replicas that store
/// codes, e.g. a Java importer mapping 非留守儿童→0, 单亲留守儿童→1, 双亲留守儿童→2).
pub const LEFT_BEHIND: CodeTable = CodeTable {
    key: "left_behind",
    name: "是否留守儿童",
    source: FORM,
    entries: &[
        ("0", "非留守儿童"),
        ("1", "单亲留守儿童"),
        ("2", "双亲留守儿童"),
    ],
    aliases: &[],
};

/// 随班就读 (the national student form; repository `chengyz/platform`: 0–4). Not required on the form.
pub const INCLUSIVE_CLASS: CodeTable = CodeTable {
    key: "inclusive_class",
    name: "随班就读",
    source: FORM,
    entries: &[
        ("0", "非随班就读"),
        ("1", "视力残疾随班就读"),
        ("2", "听力残疾随班就读"),
        ("3", "智力残疾随班就读"),
        ("4", "其他残疾随班就读"),
    ],
    aliases: &[],
};

/// 残疾人类型 (the national student form, GB/T 26341-2010 categories; repository `chengyz/platform`: 0 无残疾 …
/// 7 多重残疾, 8 其他残疾).
pub const DISABILITY_TYPE: CodeTable = CodeTable {
    key: "disability_type",
    name: "残疾人类型",
    source: "学生基本信息表 指标解释及填报说明; GB/T 26341-2010 残疾类别",
    entries: &[
        ("0", "无残疾"),
        ("1", "视力残疾"),
        ("2", "听力残疾"),
        ("3", "言语残疾"),
        ("4", "肢体残疾"),
        ("5", "智力残疾"),
        ("6", "精神残疾"),
        ("7", "多重残疾"),
        ("8", "其他残疾"),
    ],
    aliases: &[("其它残疾", "8")],
};

/// 上下学交通方式 (the national student form; repository `chengyz/platform`: 1 步行, 2 自行车（含摩托车、电动自行车）,
/// 3 公共交通（含城市公交、农村客运、地铁）, 4 家长自行接送, 5 校车). The code of 其他 is
/// not confirmed by any source found (that list repeats 5 for it): 9 is kept.
pub const TRAVEL_MODE: CodeTable = CodeTable {
    key: "travel_mode",
    name: "上下学交通方式",
    source: FORM,
    entries: &[
        ("1", "步行"),
        ("2", "自行车（含摩托车、电动自行车）"),
        ("3", "公共交通（含城市公交、农村客运、地铁）"),
        ("4", "家长自行接送"),
        ("5", "校车"),
        ("9", "其他"),
    ],
    aliases: &[("自行车", "2"), ("公共交通", "3"), ("其它", "9")],
};

/// Code of 其他 in [`RELATION`]: needs a 关系说明.
pub const RELATION_OTHER: &str = "9";

/// 家庭成员关系 (the national student form; repository `chengyz/platform`: 1 父亲, 2 母亲, 3 祖父母或外祖父母,
/// 4 兄弟姐妹, 9 其他 — no 其他亲属).
pub const RELATION: CodeTable = CodeTable {
    key: "relation",
    name: "关系",
    source: FORM,
    entries: &[
        ("1", "父亲"),
        ("2", "母亲"),
        ("3", "祖父母或外祖父母"),
        ("4", "兄弟姐妹"),
        (RELATION_OTHER, "其他"),
    ],
    aliases: &[("其它", "9")],
};

/// 身份证件类型 of family members: the full JY/T 1001 身份证件类型码 list (repository
/// `chengyz/platform`'s list of the form: 1 居民身份证, 2 军官证, 3 士兵证, 4 文职干部证,
/// 5 部队离退休证, 6–9, A 护照, B 户口簿, Z 其他). The student's own type is [`ID_TYPE`].
pub const MEMBER_ID_TYPE: CodeTable = CodeTable {
    key: "member_id_type",
    name: "身份证件类型",
    source: "JY/T 1001 身份证件类型码",
    entries: &[
        ("1", "居民身份证"),
        ("2", "军官证"),
        ("3", "士兵证"),
        ("4", "文职干部证"),
        ("5", "部队离退休证"),
        ("6", "香港特区护照/身份证明"),
        ("7", "澳门特区护照/身份证明"),
        ("8", "台湾居民来往大陆通行证"),
        ("9", "境外永久居住证"),
        ("A", "护照"),
        ("B", "户口簿"),
        ("Z", "其他"),
    ],
    aliases: &[],
};

/// 血型 (JY/T 1001 血型码: 0 未知血型 … 9 其他血型, as in the form's code lists replicated by
/// school systems, e.g. a C# dictionary and an SQL `jcsjb` table found by the label 未定血型;
/// repository `chengyz/platform` numbers the same ten labels 1–10, not followed here). The
/// short names A型/B型/AB型/O型 are accepted on input.
pub const BLOOD_TYPE: CodeTable = CodeTable {
    key: "blood_type",
    name: "血型",
    source: "JY/T 1001 血型码",
    entries: &[
        ("0", "未知血型"),
        ("1", "A血型"),
        ("2", "B血型"),
        ("3", "AB血型"),
        ("4", "O血型"),
        ("5", "RH阳性血型"),
        ("6", "RH阴性血型"),
        ("7", "HLA血型"),
        ("8", "未定血型"),
        ("9", "其他血型"),
    ],
    aliases: &[("A型", "1"), ("B型", "2"), ("AB型", "3"), ("O型", "4")],
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
    MEMBER_ID_TYPE,
    BLOOD_TYPE,
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

/// Names of 国籍/地区 other than GB/T 2659's that the national form's lists use (its filling
/// instructions: "如：中国、美国、台湾、香港、澳门"; repository `chengyz/platform`: CHN 中国,
/// HKG 香港, MAC 澳门, TWN 台湾), and former names still seen in old sheets.
pub const COUNTRY_ALIASES: &[(&str, &str)] = &[
    ("香港", "HKG"),
    ("澳门", "MAC"),
    ("台湾", "TWN"),
    ("中国香港特别行政区", "HKG"),
    ("中国澳门特别行政区", "MAC"),
    ("中国台湾省", "TWN"),
    ("前南马其顿", "MKD"),
    ("马其顿", "MKD"),
];

/// A country by its Chinese name in GB/T 2659 or one of [`COUNTRY_ALIASES`].
pub fn country_by_name(name: &str) -> Option<Country> {
    countries().find(|c| c.name == name).or_else(|| {
        COUNTRY_ALIASES
            .iter()
            .find(|(a, _)| *a == name)
            .and_then(|(_, code)| country(code))
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

    /// Every form table against the values verified in the sources named on each table (the
    /// national form's filling instructions, 2013–2014, as republished; the form's code lists in
    /// repository `chengyz/platform`; GB/T 4762 for 政治面貌).
    #[test]
    fn form_tables_hold_the_verified_values() {
        let expect: &[(&CodeTable, &[(&str, &str)])] = &[
            (
                &ENTRY_MODE,
                &[
                    ("11", "就近入学"),
                    ("12", "义务教育阶段其他"),
                    ("21", "统一招生考试/普通入学"),
                    ("22", "体育特招"),
                    ("23", "艺术特招"),
                    ("99", "高中阶段其他"),
                ],
            ),
            (
                &HEALTH_STATUS,
                &[
                    ("10", "健康或良好"),
                    ("20", "一般或较弱"),
                    ("30", "有慢性病"),
                    ("40", "有生理缺陷"),
                    ("50", "残疾"),
                ],
            ),
            (&HOUSEHOLD_NATURE, &[("1", "农业户口"), ("2", "非农业户口")]),
            (&STUDY_MODE, &[("1", "走读"), ("2", "住校")]),
            (
                &STUDENT_SOURCE,
                &[("1", "正常入学"), ("2", "借读"), ("9", "其他")],
            ),
            (
                &LEFT_BEHIND,
                &[
                    ("0", "非留守儿童"),
                    ("1", "单亲留守儿童"),
                    ("2", "双亲留守儿童"),
                ],
            ),
            (
                &INCLUSIVE_CLASS,
                &[
                    ("0", "非随班就读"),
                    ("1", "视力残疾随班就读"),
                    ("2", "听力残疾随班就读"),
                    ("3", "智力残疾随班就读"),
                    ("4", "其他残疾随班就读"),
                ],
            ),
            (
                &DISABILITY_TYPE,
                &[
                    ("0", "无残疾"),
                    ("1", "视力残疾"),
                    ("2", "听力残疾"),
                    ("3", "言语残疾"),
                    ("4", "肢体残疾"),
                    ("5", "智力残疾"),
                    ("6", "精神残疾"),
                    ("7", "多重残疾"),
                    ("8", "其他残疾"),
                ],
            ),
            (
                &TRAVEL_MODE,
                &[
                    ("1", "步行"),
                    ("2", "自行车（含摩托车、电动自行车）"),
                    ("3", "公共交通（含城市公交、农村客运、地铁）"),
                    ("4", "家长自行接送"),
                    ("5", "校车"),
                    ("9", "其他"),
                ],
            ),
            (
                &RELATION,
                &[
                    ("1", "父亲"),
                    ("2", "母亲"),
                    ("3", "祖父母或外祖父母"),
                    ("4", "兄弟姐妹"),
                    ("9", "其他"),
                ],
            ),
            (
                &ID_TYPE,
                &[
                    ("1", "居民身份证"),
                    ("6", "香港特区护照/身份证明"),
                    ("7", "澳门特区护照/身份证明"),
                    ("8", "台湾居民来往大陆通行证"),
                    ("9", "境外永久居住证"),
                    ("A", "护照"),
                    ("Z", "其他"),
                ],
            ),
            (
                &MEMBER_ID_TYPE,
                &[
                    ("1", "居民身份证"),
                    ("2", "军官证"),
                    ("3", "士兵证"),
                    ("4", "文职干部证"),
                    ("5", "部队离退休证"),
                    ("6", "香港特区护照/身份证明"),
                    ("7", "澳门特区护照/身份证明"),
                    ("8", "台湾居民来往大陆通行证"),
                    ("9", "境外永久居住证"),
                    ("A", "护照"),
                    ("B", "户口簿"),
                    ("Z", "其他"),
                ],
            ),
        ];
        assert_eq!(BLOOD_TYPE.entries.len(), 10);
        assert_eq!(BLOOD_TYPE.label("0"), Some("未知血型"));
        assert_eq!(BLOOD_TYPE.code_of("AB型"), Some("3"));
        for (table, values) in expect {
            assert_eq!(&table.entries, values, "{}", table.key);
        }
        // 政治面貌: GB/T 4762 01–13, no 14 少先队员; the form's short names as aliases.
        assert_eq!(POLITICAL_STATUS.entries.len(), 13);
        assert!(!POLITICAL_STATUS.contains("14"));
        assert_eq!(POLITICAL_STATUS.code_of("少先队员"), None);
        for (short, code) in [
            ("中共党员", "01"),
            ("中共预备党员", "02"),
            ("共青团员", "03"),
            ("群众", "13"),
            ("中国共产主义青年团团员", "03"),
        ] {
            assert_eq!(POLITICAL_STATUS.code_of(short), Some(code), "{short}");
        }
        assert_eq!(TRAVEL_MODE.name, "上下学交通方式");
        assert_eq!(HEALTH_DISABLED, "50");
        assert_eq!(DISABILITY_TYPE.code_of("其它残疾"), Some("8"));
    }

    #[test]
    fn entry_modes_by_stage() {
        use crate::stage::Stage;
        assert_eq!(entry_modes_for(Stage::Primary), &["11", "12"]);
        assert_eq!(entry_modes_for(Stage::Junior), &["11", "12"]);
        assert_eq!(entry_modes_for(Stage::Senior), &["21", "22", "23", "99"]);
        for c in ENTRY_MODES_COMPULSORY.iter().chain(ENTRY_MODES_SENIOR) {
            assert!(ENTRY_MODE.contains(c));
        }
        assert_eq!(
            entry_mode_of_label("其他", Some(Stage::Primary)),
            Some("12")
        );
        assert_eq!(entry_mode_of_label("其他", Some(Stage::Senior)), Some("99"));
        assert_eq!(entry_mode_of_label("其他", None), None);
        assert_eq!(entry_mode_of_label("体育特招", None), Some("22"));
        assert_eq!(entry_mode_of_label("派位", None), None);
    }

    #[test]
    fn tables_have_unique_codes_and_labels() {
        for t in TABLES {
            let mut codes: Vec<_> = t.entries.iter().map(|e| e.0).collect();
            codes.sort();
            codes.dedup();
            assert_eq!(codes.len(), t.entries.len(), "{}", t.key);
            let mut labels: Vec<_> = t.entries.iter().map(|e| e.1).collect();
            labels.extend(t.aliases.iter().map(|a| a.0));
            labels.sort();
            labels.dedup();
            assert_eq!(labels.len(), t.entries.len() + t.aliases.len(), "{}", t.key);
            assert!(t.aliases.iter().all(|(_, c)| t.contains(c)), "{}", t.key);
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
        assert_eq!(countries().count(), 249);
        // GB/T 2659.1-2022 = ISO 3166-1 (source: PyPI pycountry 26.2.16, Debian iso-codes).
        assert!(country("ANT").is_none(), "withdrawn 2010");
        for (a3, numeric, a2) in [
            ("SSD", 728, "SS"),
            ("CUW", 531, "CW"),
            ("SXM", 534, "SX"),
            ("BES", 535, "BQ"),
            ("BLM", 652, "BL"),
            ("MAF", 663, "MF"),
            ("SDN", 729, "SD"),
        ] {
            let c = country(a3).unwrap_or_else(|| panic!("{a3}"));
            assert_eq!((c.numeric, c.alpha2), (numeric, a2), "{a3}");
        }
        assert_eq!(country("MKD").map(|c| c.name), Some("北马其顿"));
        assert_eq!(country("SSD").map(|c| c.name), Some("南苏丹"));
        for (name, a3) in [
            ("香港", "HKG"),
            ("澳门", "MAC"),
            ("台湾", "TWN"),
            ("中国", "CHN"),
            ("美国", "USA"),
        ] {
            assert_eq!(country_by_name(name).map(|c| c.alpha3), Some(a3), "{name}");
        }
        assert!(country_by_name("火星").is_none());
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
