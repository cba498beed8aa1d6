//! Synthetic student records (issue 5, "Server"): realistic, valid [`StudentRecord`]s in any
//! number, for the demo data and the benchmarks.
//!
//! Every record passes [`StudentRecord::validate_all`] under [`SynthSpec::rules`] (the school's
//! stages, the default 学制 or 五四制, the default age bounds and the grade-1 age control at 6).
//! The tests prove it on hundreds of thousands of records.
//!
//! # Determinism
//! The generator is [`ChaCha8Rng`] seeded with [`SeedableRng::seed_from_u64`]; every draw goes
//! through [`Rng`] below, which uses only `next_u32`/`next_u64` and integer arithmetic (no
//! `rand` distributions, no floating-point maths other than comparing a uniform draw with a
//! share). The same [`SynthSpec`] therefore gives byte-identical output on every platform and
//! for every `rand` version. `today` is part of the spec, so pass a fixed date for reproducible
//! runs.
//!
//! # Realism choices
//! - **Identity.** A citizen ID is region + birth date + sequence + check character
//!   ([`citizen_id::compose`]). The region is where the child's household (户口) was registered:
//!   mostly the school's own county, then other counties of the same city and province, and,
//!   for migrant children (随迁子女), counties of the big sending provinces (安徽, 河南, 四川, …)
//!   weighted by their share of inter-provincial migrants. How many come from elsewhere depends
//!   on the school's province (上海, 北京, 广东, 浙江 receive most). Only current codes are used:
//!   the table does not say when a code was abolished, and a recent birth cannot carry a code
//!   abolished before it. The sequence's last digit is odd for boys (52 % of births: China's sex
//!   ratio at birth in the 2010s was about 1.1). Sequences are unique per region, birth date and
//!   gender within a run: the k-th person of a (region, date, gender) gets a fixed permutation of
//!   the 499 sequences of that parity, so numbers look scattered but never repeat.
//! - **No ID** (default 2 %): `id_type` 其他, a J number (region = the school's county, sequence
//!   unique per county and birth date). **港澳台** (default 0.5 %): half carry a residence permit
//!   (810000/820000/830000 + birth date, a G number, nationality HKG/MAC/TWN), half a travel or
//!   identity document (a Hong Kong identity card with its real check digit, a Macau identity
//!   card, a 台胞证) and a J number.
//! - **Age and grade.** A pupil enters primary grade 1 aged 6 on 31 August (born 1 September to
//!   31 August); 93 % are in the normal year, 5 % one year older (late start or a repeated
//!   grade), 1 % two years older, 1 % one year younger (a skipped grade, never in grade 1). The
//!   grade follows from the cohort ([`stage::cohort_of`]); grades are weighted by the national
//!   births of their main birth year (17.9 M in 2016, 9.0 M in 2023), so a school today has
//!   smaller lower grades.
//! - **Names** from a surname table weighted by the 2020 census frequencies (王 李 张 刘 陈 …,
//!   compound 欧阳/司马/诸葛 rarely), given names of one (12 %) or two characters from
//!   gendered pools of names popular for the 2005–2020 cohorts; pinyin in passport style
//!   (`WANG ZIHAN`, ü as `YU`). Uyghur, Kazakh and other Turkic pupils get the name·father's-name
//!   form (`艾力·买买提`), Tibetan pupils two-part names (`扎西次仁`).
//! - **Ethnic group** by the province of the household: 汉族 with the province's real
//!   minorities (壮族 in 广西, 维吾尔族 in 新疆, 藏族 in 西藏 and 青海, 回族 in 宁夏, …).
//! - **Addresses** in the school's county (urban: road, number, compound, building, unit,
//!   room; rural counties: town, village, group); the home address of a migrant child is in
//!   the household county. Birthplace and household place are 12-digit codes of that county.
//! - **Family**: usually both parents (the father shares the child's surname in 95 % of cases),
//!   grandparents as guardians of left-behind children (留守儿童, rural counties), a relative for
//!   orphans; mobile numbers with real prefixes; half of the parents with their own citizen
//!   IDs (also unique within a run).
//! - **Support fields** are consistent: disability ⇒ 健康状况 残疾 (and often 随班就读); migrant
//!   children are never left-behind; 校车 ⇒ a distance above zero; 一补 only for poor boarders
//!   in compulsory education.
//! - 邮政编码 (required on the form) is the postcode of the province's capital
//!   ([`capital_postcode`]): right to the province, not to the county — there is no county →
//!   postcode table here.
//! - Codes are only those the national form allows: 入学方式 11/12 in compulsory education and
//!   21/22/23/99 in senior high, 政治面貌 13 群众 for pupils (03 共青团员 from junior high on),
//!   健康状况 10–50, 户口性质 1/2.
//!
//! # Speed
//! Region pools, full names and weighted tables are built once in [`Synth::new`]; a record
//! costs its own strings and a few hash-map probes. A release build writes 1 000 000 records
//! as CSV in about 4 s and as JSON lines in about 5 s on one core, output included.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write as _};

use chrono::{Datelike, Days, Months, NaiveDate};
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use xueji_shared::citizen_id;
use xueji_shared::codes;
use xueji_shared::record::{FamilyMember, RecordRules, StudentRecord, FIELDS, MEMBER_FIELDS};
use xueji_shared::region;
use xueji_shared::stage::{self, Grade, SchoolYear, Stage, StageLengths};
use xueji_shared::student_number::StudentNumber;

// ---------------------------------------------------------------------------------------------
// Spec and errors
// ---------------------------------------------------------------------------------------------

/// What to generate: one school (a county and its stages) on one day.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthSpec {
    /// Seed of the generator: the same spec gives the same records.
    pub seed: u64,
    /// Number of records the iterator yields.
    pub count: usize,
    /// The school's county (six-digit GB/T 2260 county-level code, current), e.g. 330106.
    pub county: u32,
    /// The stages the school runs (小学 / 初中 / 高中; a 九年一贯制 school has two).
    pub stages: Vec<Stage>,
    /// The province's 学制.
    pub lengths: StageLengths,
    /// Relative weights of the grades; empty = by the national births of each grade's cohort.
    pub grade_weights: Vec<(Grade, u32)>,
    /// The business date the records are valid on.
    pub today: NaiveDate,
    /// Share of students without a citizen ID (J numbers), 0–1.
    pub no_id_share: f64,
    /// Share of 港澳台 students, 0–1.
    pub hmt_share: f64,
}

impl SynthSpec {
    /// A primary school in `county` with the default shares (2 % without ID, 0.5 % 港澳台).
    pub fn new(seed: u64, count: usize, county: u32, today: NaiveDate) -> Self {
        SynthSpec {
            seed,
            count,
            county,
            stages: vec![Stage::Primary],
            lengths: StageLengths::default(),
            grade_weights: Vec::new(),
            today,
            no_id_share: 0.02,
            hmt_share: 0.005,
        }
    }

    /// The same spec for a school with these stages.
    pub fn with_stages(mut self, stages: &[Stage]) -> Self {
        self.stages = stages.to_vec();
        self
    }

    /// The rules every generated record satisfies: the school's stages and 学制, the default
    /// age bounds, and the grade-1 age control at 6 years on 31 August.
    pub fn rules(&self) -> RecordRules {
        let mut rules = RecordRules::new(self.today);
        rules.lengths = self.lengths;
        rules.grade1_min_age = Some(6);
        rules.school_stages = self.stages.clone();
        rules
    }
}

/// Why a spec cannot be generated.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error("行政区划代码“{0}”不在GB/T 2260中")]
    UnknownCounty(u32),
    #[error("“{0}”不是县级行政区划代码（例如330106）")]
    NotCounty(u32),
    #[error("行政区划代码“{0}”已撤销，学校应在现行的县级行政区")]
    AbolishedCounty(u32),
    #[error("学校至少应设一个学段")]
    NoStages,
    #[error("年级“{0}”不在本校的学段和学制内")]
    GradeNotInSchool(String),
    #[error("年级权重之和应大于0")]
    NoWeight,
    #[error("比例应在0至1之间且之和不超过1（无身份证{no_id}，港澳台{hmt}）")]
    Shares { no_id: f64, hmt: f64 },
    #[error("日期{0}超出合成数据支持的范围（1960至2199年）")]
    Today(NaiveDate),
    #[error(transparent)]
    Io(#[from] io::Error),
}

// ---------------------------------------------------------------------------------------------
// Random numbers
// ---------------------------------------------------------------------------------------------

/// The only source of randomness: ChaCha8 words turned into numbers with integer arithmetic,
/// so that the output for a seed never changes.
struct Rng(ChaCha8Rng);

impl Rng {
    /// Uniform in `0..n` (0 when `n` is 0); multiply-shift, bias below 2⁻³² × n.
    fn below(&mut self, n: u32) -> u32 {
        ((u64::from(self.0.next_u32()) * u64::from(n)) >> 32) as u32
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }
    /// True with probability `p` ‰.
    fn permille(&mut self, p: u32) -> bool {
        self.below(1000) < p
    }
    /// True with probability `p` (a uniform 53-bit draw compared with `p`).
    fn chance(&mut self, p: f64) -> bool {
        ((self.0.next_u64() >> 11) as f64) * (1.0 / (1u64 << 53) as f64) < p
    }
    /// One element of a non-empty slice.
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let i = self.below(items.len() as u32) as usize;
        &items[i.min(items.len().saturating_sub(1))]
    }
}

/// Cumulative weights for picking an index.
#[derive(Debug, Clone)]
struct Weighted {
    cum: Vec<u32>,
}

impl Weighted {
    fn new(weights: impl IntoIterator<Item = u32>) -> Self {
        let mut total = 0u32;
        let cum = weights
            .into_iter()
            .map(|w| {
                total = total.saturating_add(w);
                total
            })
            .collect();
        Weighted { cum }
    }
    fn of<T>(table: &[(T, u32)]) -> Self {
        Self::new(table.iter().map(|(_, w)| *w))
    }
    fn total(&self) -> u32 {
        self.cum.last().copied().unwrap_or(0)
    }
    fn pick(&self, rng: &mut Rng) -> usize {
        let x = rng.below(self.total());
        self.cum
            .partition_point(|&c| c <= x)
            .min(self.cum.len().saturating_sub(1))
    }
}

// ---------------------------------------------------------------------------------------------
// Static tables
// ---------------------------------------------------------------------------------------------

/// Surnames with pinyin and frequency (per 100 000, 2020 census order of magnitude).
#[rustfmt::skip]
const SURNAMES: &[(&str, &str, u32)] = &[
    ("王", "WANG", 7120), ("李", "LI", 7000), ("张", "ZHANG", 6740), ("刘", "LIU", 5380),
    ("陈", "CHEN", 4620), ("杨", "YANG", 3080), ("黄", "HUANG", 2500), ("赵", "ZHAO", 2200),
    ("吴", "WU", 2050), ("周", "ZHOU", 1950), ("徐", "XU", 1620), ("孙", "SUN", 1530),
    ("马", "MA", 1400), ("朱", "ZHU", 1340), ("胡", "HU", 1310), ("郭", "GUO", 1150),
    ("何", "HE", 1100), ("林", "LIN", 1030), ("高", "GAO", 1000), ("罗", "LUO", 990),
    ("郑", "ZHENG", 920), ("梁", "LIANG", 820), ("谢", "XIE", 770), ("宋", "SONG", 700),
    ("唐", "TANG", 690), ("许", "XU", 650), ("韩", "HAN", 620), ("冯", "FENG", 610),
    ("邓", "DENG", 600), ("曹", "CAO", 580), ("彭", "PENG", 550), ("曾", "ZENG", 540),
    ("肖", "XIAO", 530), ("田", "TIAN", 510), ("董", "DONG", 500), ("袁", "YUAN", 480),
    ("潘", "PAN", 470), ("于", "YU", 460), ("蒋", "JIANG", 450), ("蔡", "CAI", 440),
    ("余", "YU", 430), ("杜", "DU", 420), ("叶", "YE", 410), ("程", "CHENG", 400),
    ("苏", "SU", 390), ("魏", "WEI", 380), ("吕", "LYU", 370), ("丁", "DING", 360),
    ("任", "REN", 350), ("沈", "SHEN", 340), ("姚", "YAO", 330), ("卢", "LU", 330),
    ("姜", "JIANG", 320), ("崔", "CUI", 310), ("钟", "ZHONG", 310), ("谭", "TAN", 300),
    ("陆", "LU", 300), ("汪", "WANG", 290), ("范", "FAN", 290), ("金", "JIN", 280),
    ("石", "SHI", 280), ("廖", "LIAO", 270), ("贾", "JIA", 270), ("夏", "XIA", 260),
    ("韦", "WEI", 260), ("付", "FU", 250), ("方", "FANG", 250), ("白", "BAI", 240),
    ("邹", "ZOU", 240), ("孟", "MENG", 230), ("熊", "XIONG", 230), ("秦", "QIN", 220),
    ("邱", "QIU", 220), ("江", "JIANG", 210), ("尹", "YIN", 210), ("薛", "XUE", 200),
    ("闫", "YAN", 200), ("段", "DUAN", 190), ("雷", "LEI", 190), ("侯", "HOU", 180),
    ("龙", "LONG", 180), ("史", "SHI", 180), ("陶", "TAO", 170), ("黎", "LI", 170),
    ("贺", "HE", 170), ("顾", "GU", 160), ("毛", "MAO", 160), ("郝", "HAO", 160),
    ("龚", "GONG", 150), ("邵", "SHAO", 150), ("万", "WAN", 150), ("钱", "QIAN", 140),
    ("严", "YAN", 140), ("覃", "QIN", 130), ("武", "WU", 130), ("戴", "DAI", 130),
    ("莫", "MO", 120), ("孔", "KONG", 120), ("向", "XIANG", 110), ("汤", "TANG", 110),
    ("欧阳", "OUYANG", 25), ("司马", "SIMA", 5), ("诸葛", "ZHUGE", 4), ("上官", "SHANGGUAN", 3),
    ("东方", "DONGFANG", 2), ("慕容", "MURONG", 1),
];

/// Given-name characters popular for boys of the 2005–2020 cohorts.
#[rustfmt::skip]
const BOY_CHARS: &[(&str, &str)] = &[
    ("浩", "HAO"), ("宇", "YU"), ("轩", "XUAN"), ("博", "BO"), ("文", "WEN"), ("杰", "JIE"),
    ("俊", "JUN"), ("睿", "RUI"), ("泽", "ZE"), ("晨", "CHEN"), ("明", "MING"), ("宸", "CHEN"),
    ("铭", "MING"), ("昊", "HAO"), ("天", "TIAN"), ("然", "RAN"), ("豪", "HAO"), ("皓", "HAO"),
    ("辰", "CHEN"), ("远", "YUAN"), ("航", "HANG"), ("鑫", "XIN"), ("磊", "LEI"), ("凯", "KAI"),
    ("伟", "WEI"), ("阳", "YANG"), ("瑞", "RUI"), ("峰", "FENG"), ("毅", "YI"), ("鹏", "PENG"),
    ("翔", "XIANG"), ("乐", "LE"), ("奕", "YI"), ("星", "XING"), ("恒", "HENG"), ("煜", "YU"),
    ("霖", "LIN"), ("锦", "JIN"), ("承", "CHENG"), ("佑", "YOU"), ("誉", "YU"), ("诚", "CHENG"),
    ("涛", "TAO"), ("彬", "BIN"), ("俊", "JUN"), ("杨", "YANG"), ("梁", "LIANG"), ("哲", "ZHE"),
];

/// Given-name characters popular for girls of the 2005–2020 cohorts.
#[rustfmt::skip]
const GIRL_CHARS: &[(&str, &str)] = &[
    ("欣", "XIN"), ("怡", "YI"), ("雨", "YU"), ("萱", "XUAN"), ("可", "KE"), ("馨", "XIN"),
    ("诗", "SHI"), ("琪", "QI"), ("佳", "JIA"), ("彤", "TONG"), ("婉", "WAN"), ("妍", "YAN"),
    ("雅", "YA"), ("静", "JING"), ("悦", "YUE"), ("玥", "YUE"), ("晴", "QING"), ("若", "RUO"),
    ("汐", "XI"), ("依", "YI"), ("琳", "LIN"), ("紫", "ZI"), ("萌", "MENG"), ("语", "YU"),
    ("桐", "TONG"), ("颖", "YING"), ("晓", "XIAO"), ("梦", "MENG"), ("婷", "TING"), ("菲", "FEI"),
    ("瑶", "YAO"), ("露", "LU"), ("晗", "HAN"), ("蕊", "RUI"), ("芮", "RUI"), ("曦", "XI"),
    ("宁", "NING"), ("冉", "RAN"), ("楠", "NAN"), ("月", "YUE"), ("娜", "NA"), ("倩", "QIAN"),
];

/// Characters used for both.
#[rustfmt::skip]
const NEUTRAL_CHARS: &[(&str, &str)] = &[
    ("子", "ZI"), ("涵", "HAN"), ("梓", "ZI"), ("一", "YI"), ("诺", "NUO"), ("思", "SI"),
    ("嘉", "JIA"), ("家", "JIA"), ("安", "AN"), ("雨", "YU"), ("晨", "CHEN"), ("俊", "JUN"),
    ("心", "XIN"), ("铭", "MING"),
];

/// Given-name characters of the parents' generation (born 1975–2000), no pinyin needed.
#[rustfmt::skip]
const MAN_CHARS: &[&str] = &[
    "伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "华", "飞",
    "斌", "波", "宇", "浩", "凯", "健", "俊", "帆", "峰", "建", "国", "志", "海", "东", "林",
    "亮", "鑫", "成", "龙", "文", "永", "春", "晓",
];
#[rustfmt::skip]
const WOMAN_CHARS: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "丹", "萍", "红", "梅", "莉",
    "婷", "雪", "慧", "琳", "洁", "玉", "兰", "晶", "倩", "颖", "秀", "英", "华", "金", "凤",
    "春", "小", "晓",
];

/// Uyghur (and Kazakh, Kyrgyz, …) given names with pinyin, used as name·father's name.
#[rustfmt::skip]
const TURKIC_MALE: &[(&str, &str)] = &[
    ("艾力", "AILI"), ("买买提", "MAIMAITI"), ("阿卜杜拉", "ABUDULA"), ("艾克拜尔", "AIKEBAIER"),
    ("伊力哈木", "YILIHAMU"), ("吐尔逊", "TUERXUN"), ("阿迪力", "ADILI"), ("努尔兰", "NUERLAN"),
    ("艾合买提", "AIHEMAITI"), ("阿布都热合曼", "ABUDUREHEMAN"), ("叶尔兰", "YEERLAN"),
    ("热合曼", "REHEMAN"),
];
#[rustfmt::skip]
const TURKIC_FEMALE: &[(&str, &str)] = &[
    ("古丽", "GULI"), ("阿依古丽", "AYIGULI"), ("热依汗", "REYIHAN"), ("米娜", "MINA"),
    ("帕提古丽", "PATIGULI"), ("努尔古丽", "NUERGULI"), ("迪丽娜尔", "DILINAER"),
    ("阿依努尔", "AYINUER"), ("古再丽", "GUZAILI"), ("阿丽米热", "ALIMIRE"),
];
/// Tibetan name parts; a name is two of them.
#[rustfmt::skip]
const TIBETAN_MALE: &[(&str, &str)] = &[
    ("扎西", "ZHAXI"), ("次仁", "CIREN"), ("旦增", "DANZENG"), ("多吉", "DUOJI"),
    ("平措", "PINGCUO"), ("尼玛", "NIMA"), ("达瓦", "DAWA"), ("格桑", "GESANG"),
    ("顿珠", "DUNZHU"), ("罗布", "LUOBU"),
];
#[rustfmt::skip]
const TIBETAN_FEMALE: &[(&str, &str)] = &[
    ("卓玛", "ZHUOMA"), ("央金", "YANGJIN"), ("拉姆", "LAMU"), ("德吉", "DEJI"),
    ("措姆", "CUOMU"), ("白玛", "BAIMA"), ("次仁", "CIREN"), ("格桑", "GESANG"),
    ("曲珍", "QUZHEN"), ("尼玛", "NIMA"),
];

/// Ethnic groups (GB/T 3304 code, weight ‰‰) of a province's households.
type EthnicTable = &'static [(&'static str, u32)];

#[rustfmt::skip]
const ETHNIC_DEFAULT: EthnicTable = &[
    ("01", 9650), ("03", 90), ("11", 60), ("15", 40), ("06", 35), ("08", 35), ("02", 30),
    ("07", 20), ("10", 10), ("12", 10), ("13", 10), ("09", 5), ("14", 5),
];

/// Provinces whose minorities differ markedly from the national mix (2020 census shares).
#[rustfmt::skip]
const ETHNIC_BY_PROVINCE: &[(u32, EthnicTable)] = &[
    (150000, &[("01", 7900), ("02", 1700), ("11", 200), ("03", 100), ("31", 50), ("45", 20)]),
    (210000, &[("01", 8400), ("11", 1250), ("02", 150), ("03", 60), ("10", 50), ("38", 30)]),
    (220000, &[("01", 9100), ("11", 420), ("10", 380), ("03", 50), ("02", 30)]),
    (230000, &[("01", 9500), ("11", 270), ("10", 80), ("02", 40), ("03", 30), ("31", 10)]),
    (420000, &[("01", 9550), ("15", 370), ("06", 50), ("12", 30)]),
    (430000, &[("01", 8900), ("15", 400), ("06", 300), ("12", 130), ("13", 100), ("14", 30)]),
    (
        450000,
        &[("01", 6200), ("08", 3100), ("13", 300), ("06", 100), ("12", 60), ("32", 40),
          ("36", 20), ("49", 5), ("37", 5)],
    ),
    (460000, &[("01", 8300), ("19", 1500), ("06", 100), ("08", 50), ("03", 50)]),
    (500000, &[("01", 9350), ("15", 450), ("06", 150), ("03", 20)]),
    (510000, &[("01", 9400), ("07", 330), ("04", 180), ("33", 40), ("03", 20), ("06", 10)]),
    (
        520000,
        &[("01", 6400), ("06", 1200), ("09", 700), ("12", 450), ("15", 370), ("07", 250),
          ("37", 150), ("25", 100), ("13", 100), ("14", 50)],
    ),
    (
        530000,
        &[("01", 6700), ("07", 1100), ("16", 350), ("14", 350), ("18", 270), ("08", 270),
          ("06", 260), ("20", 160), ("03", 150), ("24", 100), ("21", 90), ("27", 60),
          ("13", 40), ("04", 30), ("28", 30), ("34", 25), ("39", 10), ("40", 10), ("42", 8),
          ("46", 5), ("56", 5), ("51", 2)],
    ),
    (540000, &[("04", 8600), ("01", 1200), ("03", 50), ("54", 50), ("55", 10)]),
    (620000, &[("01", 9100), ("03", 520), ("26", 230), ("04", 190), ("30", 30), ("47", 5), ("48", 5)]),
    (630000, &[("01", 5000), ("04", 2500), ("03", 1500), ("30", 360), ("35", 200), ("02", 100)]),
    (640000, &[("01", 6400), ("03", 3600)]),
    (
        650000,
        &[("05", 4500), ("01", 4200), ("17", 700), ("03", 400), ("29", 70), ("02", 60),
          ("41", 20), ("38", 20), ("43", 5), ("50", 5), ("44", 5)],
    ),
];

/// Groups named in the Turkic name·father form.
const TURKIC_GROUPS: &[&str] = &["05", "17", "29", "41", "43", "50"];
/// Groups with Tibetan two-part names.
const TIBETAN_GROUPS: &[&str] = &["04", "54"];

/// Origin provinces of inter-provincial migrant children (‰ of migrants, 2020 census outflow).
#[rustfmt::skip]
const MIGRANT_ORIGINS: &[(u32, u32)] = &[
    (340000, 140), (410000, 130), (510000, 90), (430000, 80), (360000, 70), (420000, 70),
    (520000, 60), (450000, 60), (500000, 50), (370000, 40), (130000, 40), (320000, 30),
    (230000, 30), (620000, 20), (530000, 20), (350000, 20), (140000, 20), (610000, 20),
    (330000, 10), (220000, 10), (210000, 10), (150000, 10), (440000, 10), (460000, 5),
    (650000, 5), (640000, 3), (630000, 3), (120000, 3), (110000, 3), (310000, 3), (540000, 1),
];

/// Share (‰) of pupils whose household is in another province, by the school's province.
#[rustfmt::skip]
const INFLOW_BY_PROVINCE: &[(u32, u32)] = &[
    (310000, 350), (110000, 280), (440000, 250), (330000, 230), (120000, 150), (320000, 130),
    (350000, 130), (460000, 80), (650000, 80),
];
const INFLOW_DEFAULT: u32 = 30;

/// Births in mainland China by year (10 000s, National Bureau of Statistics).
#[rustfmt::skip]
const BIRTHS: &[(i32, u32)] = &[
    (2000, 1771), (2001, 1702), (2002, 1647), (2003, 1599), (2004, 1593), (2005, 1617),
    (2006, 1585), (2007, 1595), (2008, 1608), (2009, 1591), (2010, 1592), (2011, 1604),
    (2012, 1635), (2013, 1640), (2014, 1687), (2015, 1655), (2016, 1786), (2017, 1723),
    (2018, 1523), (2019, 1465), (2020, 1202), (2021, 1062), (2022, 956), (2023, 902),
    (2024, 954),
];

/// Mobile number prefixes in use (China Mobile, Unicom, Telecom, Broadnet).
#[rustfmt::skip]
const MOBILE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "145", "147", "150",
    "151", "152", "153", "155", "156", "157", "158", "159", "166", "173", "175", "176", "177",
    "178", "180", "181", "182", "183", "184", "185", "186", "187", "188", "189", "191", "198",
    "199",
];

#[rustfmt::skip]
const ROADS: &[&str] = &[
    "人民路", "解放路", "建设路", "中山路", "和平路", "新华路", "胜利路", "长江路", "黄河路",
    "文化路", "学院路", "朝阳路", "光明路", "幸福路", "青年路", "东风路", "南京路", "北京路",
    "振兴路", "友谊路", "育才路", "滨江路", "湖滨路", "迎宾大道", "府前街", "西大街",
];
#[rustfmt::skip]
const COMPOUNDS: &[&str] = &[
    "阳光花园", "幸福家园", "锦绣苑", "翠苑", "金色家园", "紫荆花园", "绿城小区", "新村",
    "丽景苑", "御景湾", "春江花月", "书香门第", "和园", "南苑", "北苑", "名都小区",
];
#[rustfmt::skip]
const TOWNS: &[&str] = &[
    "城关镇", "新城镇", "东风镇", "石桥镇", "河口镇", "清水镇", "白沙镇", "龙泉镇", "太平镇",
    "永安镇", "长安镇", "新集镇", "三河镇", "马坊乡", "杨庄乡", "柳林镇",
];
#[rustfmt::skip]
const VILLAGES: &[&str] = &[
    "王家村", "李庄村", "柳树村", "大坪村", "新民村", "红星村", "五星村", "和平村", "东山村",
    "西沟村", "河湾村", "前进村", "张家湾村", "石门村", "桃园村", "杨树村",
];
#[rustfmt::skip]
const EMPLOYER_KINDS: &[&str] = &[
    "第一人民医院", "供电公司", "物流有限公司", "电子科技有限公司", "建筑工程有限公司",
    "实验中学", "中心小学", "购物中心", "餐饮有限公司", "汽车维修厂", "农商银行",
    "机械制造有限公司", "服装厂", "市场监督管理局",
];
#[rustfmt::skip]
const POSTS: &[&str] = &[
    "职员", "工人", "技术员", "教师", "医生", "护士", "司机", "经理", "会计", "销售", "厨师",
    "保安", "工程师",
];
#[rustfmt::skip]
const SPECIALTIES: &[&str] = &[
    "钢琴", "书法", "围棋", "篮球", "足球", "绘画", "舞蹈", "游泳", "编程", "古筝", "跆拳道",
    "朗诵", "乒乓球",
];

// ---------------------------------------------------------------------------------------------
// Places
// ---------------------------------------------------------------------------------------------

/// A county the generator uses, with what addresses need.
/// The postcode of a province's capital (省会/首府, e.g. 310000 杭州), by the province of a
/// GB/T 2260 code: synthetic records get their school province's capital's code.
fn capital_postcode(code: u32) -> &'static str {
    match code / 10_000 {
        11 => "100000",
        12 => "300000",
        13 => "050000",
        14 => "030000",
        15 => "010000",
        21 => "110000",
        22 => "130000",
        23 => "150000",
        31 => "200000",
        32 => "210000",
        33 => "310000",
        34 => "230000",
        35 => "350000",
        36 => "330000",
        37 => "250000",
        41 => "450000",
        42 => "430000",
        43 => "410000",
        44 => "510000",
        45 => "530000",
        46 => "570000",
        50 => "400000",
        51 => "610000",
        52 => "550000",
        53 => "650000",
        54 => "850000",
        61 => "710000",
        62 => "730000",
        63 => "810000",
        64 => "750000",
        65 => "830000",
        _ => "100000",
    }
}

#[derive(Debug, Clone)]
struct Place {
    code: u32,
    /// `浙江省杭州市西湖区`
    full: String,
    /// `浙江省杭州市` (籍贯, employers)
    city_full: String,
    /// 县/旗: rural addresses and household nature.
    rural: bool,
    /// County-level city (市): half rural.
    county_city: bool,
}

fn is_placeholder(name: &str) -> bool {
    name.is_empty()
        || matches!(
            name,
            "市辖区" | "县" | "省直辖县级行政区划" | "自治区直辖县级行政区划"
        )
}

/// Current county-level codes under a province (all its prefectures) or a prefecture.
fn counties_under(code: u32) -> Vec<region::Region> {
    let mut out = Vec::new();
    if code.is_multiple_of(10_000) {
        for city in region::children(code, false) {
            out.extend(counties_under(city.code));
        }
    } else {
        out.extend(
            region::children(code, false)
                .into_iter()
                .filter(|r| !is_placeholder(r.name)),
        );
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Unique sequences
// ---------------------------------------------------------------------------------------------

/// Hands out ID sequences unique per (region, birth date, gender): the k-th person gets a fixed
/// permutation (affine map mod 499, a prime) of the 499 sequences of the gender's parity, so
/// the numbers look scattered and never repeat. Boys get 001…997 (odd), girls 002…998 (even).
#[derive(Debug, Default)]
struct Sequences {
    used: HashMap<u64, [u16; 2]>,
}

const SEQ_SLOTS: u32 = 499;

fn mix(mut x: u64) -> u64 {
    // splitmix64 finaliser
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn date_key(region: u32, date: NaiveDate) -> u64 {
    (u64::from(region) << 32) | u64::from(date.num_days_from_ce() as u32)
}

impl Sequences {
    fn take(&mut self, region: u32, birth: NaiveDate, male: bool) -> Option<u16> {
        let key = date_key(region, birth);
        let counts = self.used.entry(key).or_insert([0, 0]);
        let slot = &mut counts[usize::from(male)];
        if u32::from(*slot) >= SEQ_SLOTS {
            return None;
        }
        let k = u32::from(*slot);
        *slot += 1;
        let h = mix(key ^ u64::from(male));
        let mul = 1 + (h % u64::from(SEQ_SLOTS - 1)) as u32;
        let off = ((h >> 20) % u64::from(SEQ_SLOTS)) as u32;
        let i = (k * mul + off) % SEQ_SLOTS;
        let seq = if male { 2 * i + 1 } else { 2 * i + 2 };
        Some(seq as u16)
    }
}

// ---------------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy)]
struct GradePlan {
    grade: Grade,
    /// School year the cohort entered grade 1 of this stage.
    stage_cohort: i32,
    /// School year the cohort entered grade 1 of primary (age 6 on 31 August of it).
    primary_cohort: i32,
    classes: u32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Identity {
    Citizen,
    NoId,
    /// 0 = Hong Kong, 1 = Macau, 2 = Taiwan.
    Hmt(u8),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum NameStyle {
    Han,
    Turkic,
    Tibetan,
}

/// How far the household is from the school.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Origin {
    Local,
    SameCity,
    SameProvince,
    OtherProvince,
}

/// The generator: build it once, then take records from it (it is an [`Iterator`] of
/// `spec.count` records; [`Synth::next_record`] goes on beyond that).
pub struct Synth {
    spec: SynthSpec,
    rules: RecordRules,
    rng: Rng,
    places: Vec<Place>,
    /// Index of the school's county in `places`.
    school: usize,
    same_city: Vec<usize>,
    same_province: Vec<usize>,
    migrant_pools: Vec<Vec<usize>>,
    migrant_pick: Weighted,
    inflow: u32,
    grades: Vec<GradePlan>,
    grade_pick: Weighted,
    grade_counts: Vec<u32>,
    surname_pick: Weighted,
    ethnic_tables: Vec<(EthnicTable, Weighted)>,
    ids: Sequences,
    j_numbers: HashMap<u64, u16>,
    produced: usize,
}

fn place_of(code: u32) -> Option<Place> {
    let r = region::lookup(code)?;
    let full = region::full_name(code).unwrap_or_else(|| r.name.to_string());
    let city_full = region::full_name(r.city_code())
        .filter(|s| !s.is_empty())
        .or_else(|| region::full_name(r.province_code()))
        .unwrap_or_else(|| full.clone());
    Some(Place {
        code,
        full,
        city_full,
        rural: r.name.ends_with('县') || r.name.ends_with('旗'),
        county_city: r.name.ends_with('市'),
    })
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn births_of(year: i32) -> u32 {
    let (first, last) = (BIRTHS[0], BIRTHS[BIRTHS.len() - 1]);
    BIRTHS
        .iter()
        .find(|(y, _)| *y == year)
        .map(|(_, b)| *b)
        .unwrap_or(if year < first.0 { first.1 } else { last.1 })
}

impl Synth {
    /// Checks the spec and builds the tables.
    pub fn new(spec: SynthSpec) -> Result<Self, SynthError> {
        let shares_ok = |s: f64| (0.0..=1.0).contains(&s);
        if !shares_ok(spec.no_id_share)
            || !shares_ok(spec.hmt_share)
            || spec.no_id_share + spec.hmt_share > 1.0
        {
            return Err(SynthError::Shares {
                no_id: spec.no_id_share,
                hmt: spec.hmt_share,
            });
        }
        if !(1960..2200).contains(&spec.today.year()) {
            return Err(SynthError::Today(spec.today));
        }
        let county = spec.county;
        let r = region::lookup(county).ok_or(SynthError::UnknownCounty(county))?;
        if r.is_province() || r.is_city() || county / 10_000 >= 71 || is_placeholder(r.name) {
            return Err(SynthError::NotCounty(county));
        }
        if r.abolished {
            return Err(SynthError::AbolishedCounty(county));
        }
        let mut stages = spec.stages.clone();
        stages.sort();
        stages.dedup();
        if stages.is_empty() {
            return Err(SynthError::NoStages);
        }

        // Places: the school's county first, then its city, province and the origins.
        let mut places = Vec::new();
        let mut index: HashMap<u32, usize> = HashMap::new();
        let mut add = |code: u32, places: &mut Vec<Place>| -> Option<usize> {
            if let Some(i) = index.get(&code) {
                return Some(*i);
            }
            let p = place_of(code)?;
            places.push(p);
            index.insert(code, places.len() - 1);
            Some(places.len() - 1)
        };
        let school = add(county, &mut places).ok_or(SynthError::UnknownCounty(county))?;
        let province_code = r.province_code();
        let same_city: Vec<usize> = counties_under(r.city_code())
            .into_iter()
            .filter(|c| c.code != county)
            .filter_map(|c| add(c.code, &mut places))
            .collect();
        let same_province: Vec<usize> = counties_under(province_code)
            .into_iter()
            .filter(|c| c.city_code() != r.city_code())
            .filter_map(|c| add(c.code, &mut places))
            .collect();
        let mut migrant_pools = Vec::new();
        let mut migrant_weights = Vec::new();
        for &(prov, w) in MIGRANT_ORIGINS {
            if prov == province_code {
                continue;
            }
            let pool: Vec<usize> = counties_under(prov)
                .into_iter()
                .filter_map(|c| add(c.code, &mut places))
                .collect();
            if !pool.is_empty() {
                migrant_pools.push(pool);
                migrant_weights.push(w);
            }
        }
        let inflow = if migrant_pools.is_empty() {
            0
        } else {
            INFLOW_BY_PROVINCE
                .iter()
                .find(|(p, _)| *p == province_code)
                .map_or(INFLOW_DEFAULT, |(_, w)| *w)
        };

        // Grades.
        let year = SchoolYear::of_date(spec.today);
        let lengths = spec.lengths;
        let before = |s: Stage| -> i32 {
            match s {
                Stage::Primary => 0,
                Stage::Junior => i32::from(lengths.primary),
                Stage::Senior => i32::from(lengths.primary) + i32::from(lengths.junior),
            }
        };
        let mut grades = Vec::new();
        let mut weights = Vec::new();
        let plan = |grade: Grade| {
            let stage_cohort = stage::cohort_of(grade, year).0;
            GradePlan {
                grade,
                stage_cohort,
                primary_cohort: stage_cohort - before(grade.stage),
                classes: 1,
            }
        };
        if spec.grade_weights.is_empty() {
            for &s in &stages {
                for y in 1..=lengths.years(s) {
                    let p = plan(Grade { stage: s, year: y });
                    grades.push(p);
                    // Most of the cohort was born in the calendar year primary_cohort − 6.
                    weights.push(births_of(p.primary_cohort - 6));
                }
            }
        } else {
            for &(g, w) in &spec.grade_weights {
                let valid =
                    stages.contains(&g.stage) && (1..=lengths.years(g.stage)).contains(&g.year);
                if !valid {
                    return Err(SynthError::GradeNotInSchool(g.code()));
                }
                grades.push(plan(g));
                weights.push(w);
            }
        }
        let grade_pick = Weighted::new(weights.iter().copied());
        let total = grade_pick.total();
        if total == 0 {
            return Err(SynthError::NoWeight);
        }
        for (p, w) in grades.iter_mut().zip(&weights) {
            // National class-size standards: 45 in primary, 50 in secondary schools.
            let cap = if p.grade.stage == Stage::Primary {
                45
            } else {
                50
            };
            let expected = (spec.count as u64 * u64::from(*w)).div_ceil(u64::from(total));
            p.classes = expected.div_ceil(cap).clamp(1, 99) as u32;
        }

        let ethnic_tables = std::iter::once(ETHNIC_DEFAULT)
            .chain(ETHNIC_BY_PROVINCE.iter().map(|(_, t)| *t))
            .map(|t| (t, Weighted::of(t)))
            .collect();
        let mut rules = spec.rules();
        rules.school_stages = stages;
        Ok(Synth {
            rng: Rng(ChaCha8Rng::seed_from_u64(spec.seed)),
            rules,
            places,
            school,
            same_city,
            same_province,
            migrant_pools,
            migrant_pick: Weighted::new(migrant_weights),
            inflow,
            grade_counts: vec![0; grades.len()],
            grades,
            grade_pick,
            surname_pick: Weighted::new(SURNAMES.iter().map(|s| s.2)),
            ethnic_tables,
            ids: Sequences::default(),
            j_numbers: HashMap::new(),
            produced: 0,
            spec,
        })
    }

    /// The rules every record of this generator satisfies.
    pub fn rules(&self) -> &RecordRules {
        &self.rules
    }

    pub fn spec(&self) -> &SynthSpec {
        &self.spec
    }

    fn place(&self, i: usize) -> &Place {
        self.places.get(i).unwrap_or(&self.places[self.school])
    }

    /// The household county and how far it is from the school.
    fn origin(&mut self) -> (usize, Origin) {
        let x = self.rng.below(1000);
        let inflow = self.inflow;
        if x < inflow {
            let pool = &self.migrant_pools[self.migrant_pick.pick(&mut self.rng)];
            return (*self.rng.pick(pool), Origin::OtherProvince);
        }
        if x < inflow + 120 && !self.same_city.is_empty() {
            return (*self.rng.pick(&self.same_city), Origin::SameCity);
        }
        if x < inflow + 180 && !self.same_province.is_empty() {
            return (*self.rng.pick(&self.same_province), Origin::SameProvince);
        }
        (self.school, Origin::Local)
    }

    /// A neighbour of `place` for when its sequences of a day are used up.
    fn neighbour(&mut self) -> usize {
        if !self.same_city.is_empty() && self.rng.permille(700) {
            *self.rng.pick(&self.same_city)
        } else if !self.same_province.is_empty() {
            *self.rng.pick(&self.same_province)
        } else {
            self.school
        }
    }

    /// A birth date for the grade: 6 years old on 31 August of the primary entry year, with
    /// late starters, repeaters and the odd skipper.
    fn birth_date(&mut self, plan: &GradePlan) -> NaiveDate {
        let x = self.rng.below(1000);
        let first_grade = plan.grade.stage == Stage::Primary && plan.grade.year == 1;
        let older: i32 = match x {
            0..=929 => 0,
            930..=979 => 1,
            980..=989 => 2,
            _ if first_grade => 0,
            _ => -1,
        };
        let y = plan.primary_cohort - 7 - older;
        let start = ymd(y, 9, 1);
        let span = (ymd(y + 1, 8, 31) - start).num_days().max(0) as u32;
        let birth = start
            .checked_add_days(Days::new(u64::from(self.rng.below(span + 1))))
            .unwrap_or(start);
        // Keep inside the age bounds (wide, but a province may narrow them).
        let bounds = self.rules.age_bounds.for_stage(plan.grade.stage);
        let age = xueji_shared::record::age_on(birth, self.spec.today);
        if older != 0 && (age < i32::from(bounds.min) || age > i32::from(bounds.max)) {
            return ymd(plan.primary_cohort - 6, 3, 1);
        }
        birth.min(self.spec.today)
    }

    fn ethnic_for(&mut self, province: u32) -> &'static str {
        let t = ETHNIC_BY_PROVINCE
            .iter()
            .position(|(p, _)| *p == province)
            .map_or(0, |i| i + 1);
        let (table, pick) = &self.ethnic_tables[t];
        table[pick.pick(&mut self.rng)].0
    }

    fn given_han(&mut self, male: bool, name: &mut String, pinyin: &mut String) {
        let n = if self.rng.permille(120) { 1 } else { 2 };
        let mut last = "";
        for _ in 0..n {
            let (mut c, mut p) = self.given_char(male);
            if c == last && self.rng.permille(900) {
                (c, p) = self.given_char(male);
            }
            name.push_str(c);
            pinyin.push_str(p);
            last = c;
        }
    }

    fn given_char(&mut self, male: bool) -> (&'static str, &'static str) {
        let pool = if self.rng.permille(200) {
            NEUTRAL_CHARS
        } else if male {
            BOY_CHARS
        } else {
            GIRL_CHARS
        };
        *self.rng.pick(pool)
    }

    fn parent_given(&mut self, male: bool, out: &mut String) {
        let pool = if male { MAN_CHARS } else { WOMAN_CHARS };
        let first = *self.rng.pick(pool);
        out.push_str(first);
        if self.rng.permille(700) {
            let second = *self.rng.pick(pool);
            out.push_str(second);
        }
    }

    fn surname(&mut self) -> (&'static str, &'static str) {
        let (s, p, _) = SURNAMES[self.surname_pick.pick(&mut self.rng)];
        (s, p)
    }

    fn mobile(&mut self) -> String {
        let prefix = self.rng.pick(MOBILE_PREFIXES);
        let n = self.rng.below(100_000_000);
        let mut s = String::with_capacity(11);
        let _ = write!(s, "{prefix}{n:08}");
        s
    }

    /// A street address in the county; `rural` picks town/village style.
    fn address(&mut self, place: usize, rural: bool) -> String {
        let mut s = String::with_capacity(96);
        s.push_str(&self.place(place).full);
        if rural {
            let town = self.rng.pick(TOWNS);
            let village = self.rng.pick(VILLAGES);
            let group = self.rng.range(1, 12);
            let no = self.rng.range(1, 99);
            let _ = write!(s, "{town}{village}{group}组{no}号");
        } else {
            let road = self.rng.pick(ROADS);
            let no = self.rng.range(1, 399);
            let compound = self.rng.pick(COMPOUNDS);
            let building = self.rng.range(1, 30);
            let unit = self.rng.range(1, 4);
            let room = self.rng.range(1, 28) * 100 + self.rng.range(1, 4);
            let _ = write!(s, "{road}{no}号{compound}{building}幢{unit}单元{room}室");
        }
        s
    }

    fn is_rural(&mut self, place: usize) -> bool {
        let p = self.place(place);
        p.rural || (p.county_city && self.rng.permille(500))
    }

    /// 12-digit code in the county: township (街道 0xx / 镇 1xx) and community/village.
    fn code12(&mut self, place: usize, rural: bool) -> String {
        let code = self.place(place).code;
        let (town, village) = if rural {
            (self.rng.range(100, 120), self.rng.range(200, 230))
        } else {
            (self.rng.range(1, 15), self.rng.range(1, 25))
        };
        format!("{code:06}{town:03}{village:03}")
    }

    /// A unique citizen ID for someone born on `birth` in `place` (or a neighbour when the day's
    /// sequences there are used up).
    fn citizen_id(
        &mut self,
        place: usize,
        birth: NaiveDate,
        male: bool,
    ) -> Option<(usize, String)> {
        let mut at = place;
        for _ in 0..16 {
            let code = self.place(at).code;
            if let Some(seq) = self.ids.take(code, birth, male) {
                return citizen_id::compose(code, birth, seq, self.spec.today)
                    .ok()
                    .map(|id| (at, id.as_str().to_string()));
            }
            at = self.neighbour();
        }
        None
    }

    fn j_number(&mut self, birth: NaiveDate) -> String {
        let mut code = self.place(self.school).code;
        for _ in 0..16 {
            let n = self.j_numbers.entry(date_key(code, birth)).or_insert(0);
            if *n < 1000 {
                let seq = u32::from(*n);
                *n += 1;
                if let Ok(j) = StudentNumber::generate_j(code, birth, seq, self.spec.today) {
                    return j.to_string();
                }
            }
            let i = self.neighbour();
            code = self.place(i).code;
        }
        // Beyond 16 000 pupils without ID born on one day: the number is assigned later.
        String::new()
    }

    /// The next record (ignores `count`).
    pub fn next_record(&mut self) -> StudentRecord {
        self.produced += 1;
        let gi = self.grade_pick.pick(&mut self.rng);
        let plan = self.grades[gi];
        let k = self.grade_counts[gi];
        self.grade_counts[gi] += 1;

        let identity = if self.rng.chance(self.spec.no_id_share) {
            Identity::NoId
        } else if self
            .rng
            .chance(self.spec.hmt_share / (1.0 - self.spec.no_id_share).max(1e-9))
        {
            Identity::Hmt(match self.rng.below(100) {
                0..=44 => 0,
                45..=64 => 1,
                _ => 2,
            })
        } else {
            Identity::Citizen
        };
        let male = self.rng.permille(524);
        let birth = self.birth_date(&plan);
        let (mut home, mut origin) = match identity {
            Identity::Citizen => self.origin(),
            _ => (self.school, Origin::Local),
        };

        let mut r = StudentRecord {
            gender: if male { "1" } else { "2" }.into(),
            birth_date: Some(birth),
            nationality: codes::CHINA.into(),
            hmt_overseas: "00".into(),
            ..Default::default()
        };

        // ---- identity ----
        let mut identity = identity;
        if identity == Identity::Citizen {
            match self.citizen_id(home, birth, male) {
                Some((at, id)) => {
                    if at != home {
                        home = at;
                        origin = if at == self.school {
                            Origin::Local
                        } else {
                            Origin::SameProvince
                        };
                    }
                    r.id_type = codes::ID_TYPE_RESIDENT_CARD.into();
                    r.student_number = format!("G{id}");
                    r.id_number = id;
                }
                None => identity = Identity::NoId,
            }
        }
        match identity {
            Identity::Citizen => {}
            Identity::NoId => {
                r.id_type = codes::ID_TYPE_OTHER.into();
                r.student_number = self.j_number(birth);
            }
            Identity::Hmt(h) => self.hmt_identity(&mut r, h, birth, male),
        }
        if r.id_type == codes::ID_TYPE_RESIDENT_CARD && self.rng.permille(450) {
            // Children's cards are valid 5 years (under 16) or 10 years (16–25).
            let days = (self.spec.today - birth).num_days().max(0) as u32;
            if days > 60 {
                let from = birth
                    .checked_add_days(Days::new(u64::from(self.rng.range(30, days))))
                    .unwrap_or(birth);
                let years = if xueji_shared::record::age_on(birth, from) < 16 {
                    5
                } else {
                    10
                };
                r.id_valid_from = Some(from);
                r.id_valid_until = from.checked_add_months(Months::new(12 * years));
            }
        }

        // ---- names ----
        let home_place = self.place(home).code;
        let province = home_place / 10_000 * 10_000;
        let ethnic = match identity {
            Identity::Hmt(_) => "01",
            _ => self.ethnic_for(province),
        };
        r.ethnic_group = ethnic.into();
        let style = if TURKIC_GROUPS.contains(&ethnic) {
            NameStyle::Turkic
        } else if TIBETAN_GROUPS.contains(&ethnic) {
            NameStyle::Tibetan
        } else {
            NameStyle::Han
        };
        let mut name = String::with_capacity(24);
        let mut pinyin = String::with_capacity(32);
        let (surname, father_name) = match style {
            NameStyle::Han => {
                let (s, p) = self.surname();
                name.push_str(s);
                pinyin.push_str(p);
                pinyin.push(' ');
                self.given_han(male, &mut name, &mut pinyin);
                (s, String::new())
            }
            NameStyle::Turkic => {
                let (g, gp) = *self
                    .rng
                    .pick(if male { TURKIC_MALE } else { TURKIC_FEMALE });
                let (f, fp) = *self.rng.pick(TURKIC_MALE);
                let _ = write!(name, "{g}·{f}");
                let _ = write!(pinyin, "{gp} {fp}");
                ("", f.to_string())
            }
            NameStyle::Tibetan => {
                let pool = if male { TIBETAN_MALE } else { TIBETAN_FEMALE };
                let (a, ap) = *self.rng.pick(pool);
                let (b, bp) = *self.rng.pick(pool);
                let _ = write!(name, "{a}{b}");
                let _ = write!(pinyin, "{ap} {bp}");
                ("", String::new())
            }
        };
        if style == NameStyle::Han && self.rng.permille(10) {
            let mut former = String::from(surname);
            let mut ignored = String::new();
            self.given_han(male, &mut former, &mut ignored);
            if former != name {
                r.former_name = former;
            }
        }
        r.name = name;
        r.name_pinyin = pinyin;

        // ---- places ----
        let rural_home = self.is_rural(home);
        let school_rural = self.is_rural(self.school);
        if !matches!(identity, Identity::Hmt(_)) {
            r.household_place = self.code12(home, rural_home);
            r.birthplace = if origin != Origin::Local && self.rng.permille(300) {
                self.code12(self.school, school_rural)
            } else {
                r.household_place.clone()
            };
        }
        r.native_place = match style {
            NameStyle::Han if identity == Identity::Citizen && self.rng.permille(150) => {
                let i = self.neighbour();
                self.place(i).city_full.clone()
            }
            _ => self.place(home).city_full.clone(),
        };
        r.current_address = self.address(self.school, school_rural);
        r.postcode = capital_postcode(self.place(self.school).code).into();
        r.postal_address = r.current_address.clone();
        r.home_address = if origin == Origin::Local || origin == Origin::SameCity {
            r.current_address.clone()
        } else {
            self.address(home, rural_home)
        };

        // ---- status ----
        let stage = plan.grade.stage;
        let year = plan.grade.year;
        r.grade = plan.grade.code();
        let class = k % plan.classes + 1;
        r.class_name = format!("{class}班");
        r.number_in_class = (k / plan.classes + 1).to_string();
        let entry = (plan.stage_cohort, 9).min((self.spec.today.year(), self.spec.today.month()));
        r.entry_year_month = format!("{:04}-{:02}", entry.0, entry.1);
        r.entry_mode = match stage {
            Stage::Primary => pick_code(&mut self.rng, &[("11", 970), ("12", 30)]),
            Stage::Junior => pick_code(&mut self.rng, &[("11", 950), ("12", 50)]),
            Stage::Senior => pick_code(
                &mut self.rng,
                &[("21", 950), ("22", 20), ("23", 20), ("99", 10)],
            ),
        }
        .into();
        let boarding_permille = match (stage, school_rural) {
            (Stage::Primary, false) => 20,
            (Stage::Primary, true) => 120,
            (Stage::Junior, false) => 150,
            (Stage::Junior, true) => 500,
            (Stage::Senior, _) => 650,
        };
        let boarder = self.rng.permille(boarding_permille);
        r.study_mode = if boarder { "2" } else { "1" }.into();
        r.student_source = pick_code(&mut self.rng, &[("1", 980), ("2", 10), ("9", 10)]).into();
        // Pupils are 13 群众 (the form has no 少先队员); 共青团员 from junior high on.
        r.political_status = match (stage, year) {
            (Stage::Primary, _) => "13",
            (Stage::Junior, 1) => pick_code(&mut self.rng, &[("03", 50), ("13", 950)]),
            (Stage::Junior, 2) => pick_code(&mut self.rng, &[("03", 200), ("13", 800)]),
            (Stage::Junior, _) => pick_code(&mut self.rng, &[("03", 450), ("13", 550)]),
            (Stage::Senior, _) => pick_code(&mut self.rng, &[("03", 700), ("13", 300)]),
        }
        .into();
        if matches!(identity, Identity::Hmt(_)) {
            r.political_status = "13".into();
        }

        // ---- health and support ----
        let health = pick_code(
            &mut self.rng,
            &[("10", 968), ("20", 15), ("30", 10), ("40", 2), ("50", 5)],
        );
        r.health_status = health.into();
        if health == codes::HEALTH_DISABLED {
            let d = pick_code(
                &mut self.rng,
                &[
                    ("1", 15),
                    ("2", 15),
                    ("3", 10),
                    ("4", 20),
                    ("5", 25),
                    ("6", 5),
                    ("7", 5),
                    ("8", 5),
                ],
            );
            r.disability_type = d.into();
            r.inclusive_class = if self.rng.permille(600) {
                match d {
                    "1" => "1",
                    "2" => "2",
                    "5" => "3",
                    _ => "4",
                }
            } else {
                "0"
            }
            .into();
        } else {
            r.disability_type = "0".into();
            r.inclusive_class = "0".into();
        }
        r.household_nature = match identity {
            Identity::Hmt(_) => "2",
            _ if rural_home => pick_code(&mut self.rng, &[("1", 850), ("2", 150)]),
            _ => pick_code(&mut self.rng, &[("2", 850), ("1", 150)]),
        }
        .into();
        r.migrant_child = match origin {
            Origin::OtherProvince => self.rng.permille(850),
            Origin::SameProvince => self.rng.permille(400),
            Origin::SameCity => self.rng.permille(100),
            Origin::Local => false,
        };
        r.left_behind = if r.migrant_child || origin != Origin::Local {
            "0"
        } else if school_rural {
            pick_code(&mut self.rng, &[("0", 890), ("1", 60), ("2", 50)])
        } else {
            pick_code(&mut self.rng, &[("0", 980), ("1", 15), ("2", 5)])
        }
        .into();
        r.only_child = self.rng.permille(if school_rural { 200 } else { 450 });
        r.preschool = self.rng.permille(950);
        r.orphan = self.rng.permille(1);
        r.martyr_child = self.rng.below(10_000) < 5;
        let compulsory = stage.is_compulsory();
        r.government_place = compulsory && self.rng.permille(15);
        r.needs_aid = self.rng.permille(if school_rural { 150 } else { 60 });
        r.receives_subsidy = compulsory && boarder && r.needs_aid && self.rng.permille(700);

        // ---- journey ----
        // Distance in tenths of a km: the product of two uniforms skews towards short trips.
        let span: u32 = match (stage, school_rural) {
            (Stage::Primary, false) => 60,
            (Stage::Primary, true) => 120,
            (_, false) => 150,
            (_, true) => 300,
        };
        let (a, b) = (self.rng.below(span), self.rng.below(span));
        let tenths = 2 + a * b / span.max(1);
        r.distance_km = Some(f64::from(tenths) / 10.0);
        r.travel_mode = if boarder {
            pick_code(&mut self.rng, &[("3", 500), ("4", 500)])
        } else if tenths <= 10 {
            pick_code(&mut self.rng, &[("1", 700), ("4", 250), ("2", 50)])
        } else if tenths <= 30 {
            pick_code(
                &mut self.rng,
                &[("1", 200), ("2", 250), ("4", 400), ("3", 150)],
            )
        } else if compulsory {
            pick_code(
                &mut self.rng,
                &[
                    ("3", 350),
                    ("4", 350),
                    ("5", if school_rural { 250 } else { 80 }),
                    ("2", 100),
                ],
            )
        } else {
            pick_code(&mut self.rng, &[("3", 500), ("4", 350), ("2", 150)])
        }
        .into();
        r.needs_school_bus = r.travel_mode == "5";
        if self.rng.permille(120) {
            r.specialty = (*self.rng.pick(SPECIALTIES)).into();
        }

        // ---- family ----
        self.family(&mut r, identity, style, surname, &father_name, home, birth);
        r.phone = r
            .family_members
            .iter()
            .find(|m| m.is_guardian && !m.phone.is_empty())
            .map(|m| m.phone.clone())
            .unwrap_or_else(|| self.mobile());
        if self.rng.permille(100) {
            r.email = if self.rng.permille(700) {
                format!("{}@qq.com", self.rng.range(100_000, 3_999_999_999))
            } else {
                let (_, p) = self.surname();
                format!(
                    "{}{:03}@163.com",
                    p.to_ascii_lowercase(),
                    self.rng.below(1000)
                )
            };
        }
        r
    }

    fn hmt_identity(&mut self, r: &mut StudentRecord, h: u8, birth: NaiveDate, male: bool) {
        let (permit_region, nationality, hmt) = match h {
            0 => (810000, "HKG", "01"),
            1 => (820000, "MAC", "03"),
            _ => (830000, "TWN", "05"),
        };
        r.nationality = nationality.into();
        r.hmt_overseas = hmt.into();
        r.household_place = format!("{permit_region}");
        r.birthplace = if self.rng.permille(600) {
            format!("{permit_region}000000")
        } else {
            let rural = self.is_rural(self.school);
            self.code12(self.school, rural)
        };
        // Residence permit (since 2018): a citizen-ID-shaped number and a G student number.
        if self.rng.permille(500) {
            if let Some(seq) = self.ids.take(permit_region, birth, male) {
                if let Ok(id) = citizen_id::compose(permit_region, birth, seq, self.spec.today) {
                    r.id_type = codes::ID_TYPE_RESIDENT_CARD.into();
                    r.id_number = id.as_str().to_string();
                    r.student_number = format!("G{id}");
                    return;
                }
            }
        }
        let (id_type, number) = match h {
            0 => ("6", self.hkid()),
            1 => (
                "7",
                format!(
                    "{}{:06}({})",
                    self.rng.pick(&["1", "5", "7"]),
                    self.rng.below(1_000_000),
                    self.rng.below(10)
                ),
            ),
            _ => ("8", format!("{:08}", self.rng.range(1_000_000, 99_999_999))),
        };
        r.id_type = id_type.into();
        r.id_number = number;
        r.student_number = self.j_number(birth);
    }

    /// A Hong Kong identity card number `A123456(7)` with its real check digit.
    fn hkid(&mut self) -> String {
        let letter = b"ACDEGHKMPRVYZ"[self.rng.below(13) as usize];
        let digits: [u32; 6] = std::array::from_fn(|_| self.rng.below(10));
        let mut sum = 36 * 9 + (u32::from(letter - b'A') + 10) * 8;
        for (d, w) in digits.iter().zip([7, 6, 5, 4, 3, 2]) {
            sum += d * w;
        }
        let check = (11 - sum % 11) % 11;
        let mut s = String::with_capacity(10);
        s.push(char::from(letter));
        for d in digits {
            s.push(char::from(b'0' + d as u8));
        }
        s.push('(');
        s.push(if check == 10 {
            'A'
        } else {
            char::from(b'0' + check as u8)
        });
        s.push(')');
        s
    }

    #[allow(clippy::too_many_arguments)]
    fn family(
        &mut self,
        r: &mut StudentRecord,
        identity: Identity,
        style: NameStyle,
        surname: &str,
        father_given: &str,
        home: usize,
        birth: NaiveDate,
    ) {
        // Surnames: the father's is the child's in 95 % of Han families, else the mother's.
        let (father_surname, mother_surname) = if style != NameStyle::Han {
            (String::new(), String::new())
        } else if self.rng.permille(950) {
            (surname.to_string(), self.surname().0.to_string())
        } else {
            (self.surname().0.to_string(), surname.to_string())
        };
        let mut father = self.person(style, true, &father_surname, father_given);
        let mut mother = self.person(style, false, &mother_surname, "");
        // Parents live with the child (现住址); their 户口 is the household county.
        let address = r.current_address.clone();
        let household = self.place(home).full.clone();
        let ethnic = r.ethnic_group.clone();
        for (m, rel, male, min_years) in [
            (&mut father, "1", true, 24u32),
            (&mut mother, "2", false, 22u32),
        ] {
            m.relation = rel.into();
            m.is_guardian = true;
            m.phone = self.mobile();
            m.address = address.clone();
            m.household_place = household.clone();
            m.ethnic_group = ethnic.clone();
            if self.rng.permille(450) {
                let kind = *self.rng.pick(EMPLOYER_KINDS);
                m.employer = format!("{}{kind}", self.place(home).city_full);
                m.post = (*self.rng.pick(POSTS)).into();
            }
            if self.rng.permille(500) {
                let years = self.rng.range(min_years, min_years + 14);
                let pb = birth
                    .checked_sub_months(Months::new(12 * years))
                    .and_then(|d| d.checked_sub_days(Days::new(u64::from(self.rng.below(365)))));
                match (identity, pb) {
                    (Identity::Citizen, Some(pb)) => {
                        if let Some((_, id)) = self.citizen_id(home, pb, male) {
                            m.id_type = codes::ID_TYPE_RESIDENT_CARD.into();
                            m.id_number = id;
                        }
                    }
                    (Identity::Hmt(0), Some(_)) => {
                        m.id_type = "6".into();
                        m.id_number = self.hkid();
                    }
                    _ => {}
                }
            }
        }
        let left_behind = r.left_behind.as_str();
        let members = if r.orphan {
            // A grandparent or another relative looks after an orphan.
            let male = self.rng.permille(500);
            let mut g = self.person(style, male, &father_surname, "");
            if self.rng.permille(700) {
                g.relation = "3".into();
            } else {
                g.relation = codes::RELATION_OTHER.into();
                g.relation_note = (*self.rng.pick(&["叔叔", "姑姑", "舅舅", "姨妈"])).into();
            }
            g.is_guardian = true;
            g.phone = self.mobile();
            g.address = address;
            g.household_place = household;
            g.ethnic_group = ethnic;
            vec![g]
        } else if left_behind == "2" {
            // Both parents work elsewhere: a grandparent is the guardian at home.
            let male = self.rng.permille(400);
            let mut g = self.person(style, male, &father_surname, "");
            g.relation = "3".into();
            g.is_guardian = true;
            g.phone = self.mobile();
            g.address = address;
            g.household_place = household;
            g.ethnic_group = ethnic;
            father.address.clear();
            vec![g, father]
        } else if left_behind == "1" || self.rng.permille(150) {
            // One parent (single-parent families, one parent working elsewhere).
            if self.rng.permille(600) {
                vec![mother]
            } else {
                vec![father]
            }
        } else if self.rng.permille(550) {
            vec![mother, father]
        } else {
            vec![father, mother]
        };
        r.family_members = members;
    }

    fn person(&mut self, style: NameStyle, male: bool, surname: &str, given: &str) -> FamilyMember {
        let mut name = String::with_capacity(16);
        match style {
            NameStyle::Han => {
                if surname.is_empty() {
                    name.push_str(self.surname().0);
                } else {
                    name.push_str(surname);
                }
                self.parent_given(male, &mut name);
            }
            NameStyle::Turkic => {
                let g = if given.is_empty() {
                    self.rng
                        .pick(if male { TURKIC_MALE } else { TURKIC_FEMALE })
                        .0
                } else {
                    given
                };
                let f = self.rng.pick(TURKIC_MALE).0;
                let _ = write!(name, "{g}·{f}");
            }
            NameStyle::Tibetan => {
                let pool = if male { TIBETAN_MALE } else { TIBETAN_FEMALE };
                let a = self.rng.pick(pool).0;
                let b = self.rng.pick(pool).0;
                name.push_str(a);
                name.push_str(b);
            }
        }
        FamilyMember {
            name,
            ..Default::default()
        }
    }
}

fn pick_code(rng: &mut Rng, table: &[(&'static str, u32)]) -> &'static str {
    let total: u32 = table.iter().map(|(_, w)| *w).sum();
    let mut x = rng.below(total);
    for (c, w) in table {
        if x < *w {
            return c;
        }
        x -= w;
    }
    table.last().map_or("", |(c, _)| c)
}

impl Iterator for Synth {
    type Item = StudentRecord;

    fn next(&mut self) -> Option<StudentRecord> {
        (self.produced < self.spec.count).then(|| self.next_record())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.spec.count.saturating_sub(self.produced);
        (n, Some(n))
    }
}

/// `spec.count` records in memory.
pub fn generate(spec: SynthSpec) -> Result<Vec<StudentRecord>, SynthError> {
    Ok(Synth::new(spec)?.collect())
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

/// Output format of [`write`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One JSON object per line (the record's serde form).
    Jsonl,
    /// A header row of serde field names, family members flattened as
    /// `family_members[0].name`; RFC 4180 quoting.
    Csv,
}

/// How many family-member column groups the CSV has (the form has at most two).
pub const CSV_MEMBERS: usize = 2;

/// The CSV header: the record's fields in form order (without `family_members`), then
/// `family_members[i].<field>` for each member.
pub fn csv_header() -> Vec<String> {
    let mut cols: Vec<String> = FIELDS
        .iter()
        .filter(|f| f.field != "family_members")
        .map(|f| f.field.to_string())
        .collect();
    for i in 0..CSV_MEMBERS {
        cols.extend(
            MEMBER_FIELDS
                .iter()
                .map(|f| format!("family_members[{i}].{}", f.field)),
        );
    }
    cols
}

fn csv_str(out: &mut String, v: &str) {
    if v.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push('"');
        out.push_str(&v.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(v);
    }
}

/// Appends one CSV row (no line end) in [`csv_header`] order.
pub fn csv_row(r: &StudentRecord, out: &mut String) {
    enum V<'a> {
        S(&'a str),
        B(bool),
        D(Option<NaiveDate>),
        F(Option<f64>),
    }
    let cols = [
        V::S(&r.name),
        V::S(&r.name_pinyin),
        V::S(&r.former_name),
        V::S(&r.gender),
        V::D(r.birth_date),
        V::S(&r.birthplace),
        V::S(&r.native_place),
        V::S(&r.ethnic_group),
        V::S(&r.nationality),
        V::S(&r.id_type),
        V::S(&r.id_number),
        V::S(&r.hmt_overseas),
        V::S(&r.political_status),
        V::S(&r.health_status),
        V::S(&r.blood_type),
        V::D(r.id_valid_from),
        V::D(r.id_valid_until),
        V::S(&r.household_place),
        V::S(&r.household_nature),
        V::S(&r.specialty),
        V::S(&r.student_number),
        V::S(&r.provincial_number),
        V::S(&r.number_in_class),
        V::S(&r.grade),
        V::S(&r.class_name),
        V::S(&r.entry_year_month),
        V::S(&r.entry_mode),
        V::S(&r.study_mode),
        V::S(&r.student_source),
        V::S(&r.current_address),
        V::S(&r.postal_address),
        V::S(&r.home_address),
        V::S(&r.phone),
        V::S(&r.postcode),
        V::S(&r.email),
        V::S(&r.homepage),
        V::B(r.only_child),
        V::B(r.preschool),
        V::S(&r.left_behind),
        V::B(r.migrant_child),
        V::B(r.orphan),
        V::B(r.martyr_child),
        V::S(&r.inclusive_class),
        V::S(&r.disability_type),
        V::B(r.government_place),
        V::B(r.needs_aid),
        V::B(r.receives_subsidy),
        V::F(r.distance_km),
        V::S(&r.travel_mode),
        V::B(r.needs_school_bus),
        V::S(&r.remarks),
    ];
    let mut first = true;
    let mut put = |out: &mut String, v: &V| {
        if !first {
            out.push(',');
        }
        first = false;
        match v {
            V::S(s) => csv_str(out, s),
            V::B(b) => out.push_str(if *b { "true" } else { "false" }),
            V::D(Some(d)) => {
                let _ = write!(out, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
            }
            V::F(Some(f)) => {
                let _ = write!(out, "{f}");
            }
            V::D(None) | V::F(None) => {}
        }
    };
    for v in &cols {
        put(out, v);
    }
    let empty = FamilyMember::default();
    for i in 0..CSV_MEMBERS {
        let m = r.family_members.get(i).unwrap_or(&empty);
        let present = i < r.family_members.len();
        let member = [
            V::S(&m.name),
            V::S(&m.relation),
            V::S(&m.relation_note),
            V::S(&m.address),
            V::S(&m.household_place),
            V::S(&m.phone),
            if present {
                V::B(m.is_guardian)
            } else {
                V::S("")
            },
            V::S(&m.id_type),
            V::S(&m.id_number),
            V::S(&m.ethnic_group),
            V::S(&m.employer),
            V::S(&m.post),
        ];
        for v in &member {
            put(out, v);
        }
    }
}

/// Generates `spec.count` records into `out`; returns the number written.
pub fn write<W: io::Write>(spec: SynthSpec, format: Format, out: W) -> Result<usize, SynthError> {
    let synth = Synth::new(spec)?;
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    let mut n = 0usize;
    let mut line = String::with_capacity(2048);
    if format == Format::Csv {
        line.push_str(&csv_header().join(","));
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    for r in synth {
        match format {
            Format::Jsonl => {
                serde_json::to_writer(&mut out, &r).map_err(io::Error::from)?;
                out.write_all(b"\n")?;
            }
            Format::Csv => {
                line.clear();
                csv_row(&r, &mut line);
                line.push('\n');
                out.write_all(line.as_bytes())?;
            }
        }
        n += 1;
    }
    out.flush()?;
    Ok(n)
}

// ---------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------

/// `xueji synth`: realistic, valid student records on stdout.
#[derive(Debug, Clone, clap::Args)]
pub struct SynthArgs {
    /// Number of records.
    #[arg(long)]
    pub count: usize,
    /// Seed: the same seed, county, stages and date give the same records.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The school's county (GB/T 2260, six digits).
    #[arg(long, default_value_t = 330106)]
    pub county: u32,
    /// The school's stages, comma-separated: primary, junior, senior.
    #[arg(long, value_delimiter = ',', default_value = "primary", value_parser = parse_stage)]
    pub stages: Vec<Stage>,
    /// 五四制 (primary 5 years, junior 4) instead of 六三制.
    #[arg(long)]
    pub five_four: bool,
    /// Business date the records are valid on (YYYY-MM-DD); default today in China.
    #[arg(long)]
    pub today: Option<NaiveDate>,
    /// Share of students without a citizen ID (J numbers).
    #[arg(long, default_value_t = 0.02)]
    pub no_id_share: f64,
    /// Share of 港澳台 students.
    #[arg(long, default_value_t = 0.005)]
    pub hmt_share: f64,
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    pub format: Format,
}

fn parse_stage(s: &str) -> Result<Stage, String> {
    Stage::parse(s.trim()).ok_or_else(|| format!("unknown stage “{s}” (primary, junior, senior)"))
}

impl SynthArgs {
    /// The spec these arguments describe; `today` is used when `--today` is absent.
    pub fn spec(&self, today: NaiveDate) -> SynthSpec {
        SynthSpec {
            seed: self.seed,
            count: self.count,
            county: self.county,
            stages: self.stages.clone(),
            lengths: if self.five_four {
                StageLengths {
                    primary: 5,
                    junior: 4,
                    senior: 3,
                }
            } else {
                StageLengths::default()
            },
            grade_weights: Vec::new(),
            today: self.today.unwrap_or(today),
            no_id_share: self.no_id_share,
            hmt_share: self.hmt_share,
        }
    }

    /// Writes the records to stdout. A closed pipe (`| head`) ends the run quietly.
    pub fn run(&self, today: NaiveDate) -> Result<(), SynthError> {
        match write(self.spec(today), self.format, io::stdout().lock()) {
            Err(SynthError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            other => other.map(|_| ()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 9, 15).unwrap()
    }

    fn check_all(spec: SynthSpec) -> usize {
        let synth = Synth::new(spec).unwrap();
        let rules = synth.rules().clone();
        let mut n = 0;
        for r in synth {
            let e = r.validate_all(&rules);
            assert!(e.is_empty(), "{e:?}\n{r:#?}");
            n += 1;
        }
        n
    }

    #[test]
    fn small_runs_validate() {
        assert_eq!(check_all(SynthSpec::new(1, 2000, 330106, today())), 2000);
        let spec =
            SynthSpec::new(2, 2000, 653101, today()).with_stages(&[Stage::Junior, Stage::Senior]);
        assert_eq!(check_all(spec), 2000);
    }

    #[test]
    fn spec_errors() {
        let t = today();
        assert!(matches!(
            Synth::new(SynthSpec::new(1, 1, 999999, t)),
            Err(SynthError::UnknownCounty(999999))
        ));
        assert!(matches!(
            Synth::new(SynthSpec::new(1, 1, 330100, t)),
            Err(SynthError::NotCounty(_))
        ));
        assert!(matches!(
            Synth::new(SynthSpec::new(1, 1, 110103, t)),
            Err(SynthError::AbolishedCounty(_))
        ));
        assert!(matches!(
            Synth::new(SynthSpec::new(1, 1, 330106, t).with_stages(&[])),
            Err(SynthError::NoStages)
        ));
        let mut s = SynthSpec::new(1, 1, 330106, t);
        s.no_id_share = 0.7;
        s.hmt_share = 0.4;
        assert!(matches!(Synth::new(s), Err(SynthError::Shares { .. })));
        let mut s = SynthSpec::new(1, 1, 330106, t);
        s.grade_weights = vec![(
            Grade {
                stage: Stage::Senior,
                year: 1,
            },
            1,
        )];
        assert!(matches!(
            Synth::new(s),
            Err(SynthError::GradeNotInSchool(_))
        ));
    }

    #[test]
    fn sequences_are_unique_and_keep_parity() {
        let mut s = Sequences::default();
        let d = today();
        let mut seen = std::collections::HashSet::new();
        for male in [true, false] {
            for _ in 0..SEQ_SLOTS {
                let q = s.take(330106, d, male).unwrap();
                assert!((1..=998).contains(&q));
                assert_eq!(q % 2 == 1, male);
                assert!(seen.insert(q));
            }
            assert_eq!(s.take(330106, d, male), None);
        }
    }

    #[test]
    fn hkid_check_digit() {
        // Published example: A123456(3).
        let letter = b'A';
        let digits = [1u32, 2, 3, 4, 5, 6];
        let mut sum = 36 * 9 + (u32::from(letter - b'A') + 10) * 8;
        for (d, w) in digits.iter().zip([7, 6, 5, 4, 3, 2]) {
            sum += d * w;
        }
        assert_eq!((11 - sum % 11) % 11, 3);
    }

    #[test]
    fn csv_row_matches_header_and_serde() {
        let records: Vec<_> = Synth::new(SynthSpec::new(5, 300, 330106, today()))
            .unwrap()
            .collect();
        let header = csv_header();
        for r in &records {
            let mut line = String::new();
            csv_row(r, &mut line);
            // No generated value needs quoting; split on commas.
            let cells: Vec<&str> = line.split(',').collect();
            assert_eq!(cells.len(), header.len(), "{line}");
            let json = serde_json::to_value(r).unwrap();
            for (col, cell) in header.iter().zip(&cells) {
                let v = match col.split_once("].") {
                    Some((head, field)) => {
                        let i: usize = head.trim_start_matches("family_members[").parse().unwrap();
                        json["family_members"].get(i).map(|m| m[field].clone())
                    }
                    None => Some(json[col.as_str()].clone()),
                };
                let expected = match v {
                    None | Some(serde_json::Value::Null) => String::new(),
                    Some(serde_json::Value::String(s)) => s,
                    Some(serde_json::Value::Number(n)) => {
                        let f = n.as_f64().unwrap();
                        assert_eq!(cell.parse::<f64>().unwrap(), f, "{col}");
                        continue;
                    }
                    Some(other) => other.to_string(),
                };
                assert_eq!(*cell, expected, "{col}");
            }
        }
        let mut quoted = String::new();
        csv_str(&mut quoted, "a,\"b\"");
        assert_eq!(quoted, "\"a,\"\"b\"\"\"");
    }
}
