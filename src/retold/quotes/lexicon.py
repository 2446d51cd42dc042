"""Word lists for attribution: reporting verbs, titles, organisation heads, pronouns.

English only, hand-made and small: every entry is there because news prose uses it
to attribute speech or to name a speaker. Extending a list is how the extractor
learns a new construction; nothing here is learned or downloaded.
"""

from __future__ import annotations


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _groups(spec: str) -> list[list[str]]:
    """``"say says said saying; tell tells told telling"`` as lists of forms.

    Each group lists base, third person, past and present participle; the
    participle marks "…, saying that", whose speaker is the main clause's subject.
    """
    return [group.split() for group in spec.split(";") if group.split()]


def _forms(spec: str) -> frozenset[str]:
    return frozenset(form for group in _groups(spec) for form in group)


# Verbs that report speech, writing or a stance, in every form. A form that is also a
# noun ("his comments", "a warning") is told apart by what precedes it: a cue needs a
# subject, and a determiner before it makes it a noun.
_REPORTING_SPEC = """
    say says said saying; tell tells told telling; add adds added adding;
    state states stated stating; write writes wrote writing; assert asserts asserted asserting;
    warn warns warned warning; tweet tweets tweeted tweeting; post posts posted posting;
    explain explains explained explaining; note notes noted noting; argue argues argued arguing;
    claim claims claimed claiming; insist insists insisted insisting; declare declares declared declaring;
    announce announces announced announcing; remark remarks remarked remarking;
    recall recalls recalled recalling; reply replies replied replying; respond responds responded responding;
    conclude concludes concluded concluding; acknowledge acknowledges acknowledged acknowledging;
    admit admits admitted admitting; ask asks asked asking; answer answers answered answering;
    comment comments commented commenting; observe observes observed observing;
    emphasize emphasizes emphasized emphasizing; emphasise emphasises emphasised emphasising;
    stress stresses stressed stressing; urge urges urged urging; predict predicts predicted predicting;
    promise promises promised promising; vow vows vowed vowing; pledge pledges pledged pledging;
    boast boasts boasted boasting; brag brags bragged bragging; complain complains complained complaining;
    joke jokes joked joking; quip quips quipped quipping; concede concedes conceded conceding;
    confirm confirms confirmed confirming; suggest suggests suggested suggesting;
    allude alludes alluded alluding; counter counters countered countering; retort retorts retorted retorting;
    shout shouts shouted shouting; yell yells yelled yelling; exclaim exclaims exclaimed exclaiming;
    whisper whispers whispered whispering; demand demands demanded demanding;
    maintain maintains maintained maintaining; contend contends contended contending;
    reiterate reiterates reiterated reiterating; reveal reveals revealed revealing;
    caution cautions cautioned cautioning; testify testifies testified testifying;
    affirm affirms affirmed affirming; reaffirm reaffirms reaffirmed reaffirming;
    underline underlines underlined underlining; underscore underscores underscored underscoring;
    proclaim proclaims proclaimed proclaiming; report reports reported reporting;
    call calls called calling; describe describes described describing; dub dubs dubbed dubbing;
    label labels labeled labeling; brand brands branded branding; mock mocks mocked mocking;
    blast blasts blasted blasting; slam slams slammed slamming; praise praises praised praising;
    criticize criticizes criticized criticizing; criticise criticises criticised criticising;
    dismiss dismisses dismissed dismissing; threaten threatens threatened threatening;
    deny denies denied denying; agree agrees agreed agreeing; continue continues continued continuing;
    recount recounts recounted recounting; lament laments lamented lamenting; muse muses mused musing;
    reference references referenced referencing; characterize characterizes characterized characterizing;
    accuse accuses accused accusing; chant chants chanted chanting; cry cries cried crying;
    speak speaks spoke speaking; opine opines opined opining; refer refers referred referring;
    thank thanks thanked thanking; denounce denounces denounced denouncing; bemoan bemoans bemoaned bemoaning;
    decry decries decried decrying; hail hails hailed hailing; applaud applauds applauded applauding;
    condemn condemns condemned condemning; question questions questioned questioning;
    wonder wonders wondered wondering; deride derides derided deriding; blame blames blamed blaming;
    assure assures assured assuring; reassure reassures reassured reassuring; remind reminds reminded reminding;
    inform informs informed informing; hint hints hinted hinting; imply implies implied implying;
    indicate indicates indicated indicating; estimate estimates estimated estimating;
    speculate speculates speculated speculating; believe believes believed believing;
    think thinks thought thinking; feel feels felt feeling; hope hopes hoped hoping; fear fears feared fearing;
    worry worries worried worrying; gush gushes gushed gushing; pressed; point points pointed pointing;
    reads; recommend recommends recommended recommending; propose proposes proposed proposing;
    plead pleads pleaded pleading; swear swears swore swearing; chide chides chided chiding;
    scoff scoffs scoffed scoffing; snap snaps snapped snapping; sneer sneers sneered sneering;
    tease teases teased teasing; taunt taunts taunted taunting; rail rails railed railing;
    lash lashes lashed lashing; fire fires fired firing; shoot shoots shot shooting;
    acknowledge acknowledges acknowledged acknowledging; mention mentions mentioned mentioning;
    summarize summarizes summarized summarizing; explain explains explained explaining
    """
REPORTING_VERBS: frozenset[str] = _forms(_REPORTING_SPEC)
# Base forms ("pledge", "claim", "report") are nouns as often as verbs; as verbs they
# take a plural subject ("officials claim") or follow an auxiliary ("will pledge").
BASE_FORMS: frozenset[str] = frozenset(group[0] for group in _groups(_REPORTING_SPEC) if len(group) > 1)
PARTICIPLES: frozenset[str] = frozenset(f for f in REPORTING_VERBS if f.endswith("ing"))
# Verbs that report only with a particle after them ("fired back", "pointed out"); alone
# they are too often something else.
NEEDS_PARTICLE: frozenset[str] = _forms(
    "fire fires fired firing; shoot shoots shot shooting; lash lashes lashed lashing"
)
PARTICLES: frozenset[str] = _set("back out")

# Personal pronouns that can stand for a speaker, by what they may refer to.
PERSON_PRONOUNS: frozenset[str] = _set("he she")
GROUP_PRONOUNS: frozenset[str] = _set("it they")
FIRST_PERSON: frozenset[str] = _set("i we you")
RELATIVE_PRONOUNS: frozenset[str] = _set("who which that")
PRONOUNS: frozenset[str] = PERSON_PRONOUNS | GROUP_PRONOUNS | FIRST_PERSON

# Nouns for something an organisation issues: "the statement said" is the organisation speaking.
DOCUMENT_NOUNS: frozenset[str] = _set(
    """
    statement letter message readout release report announcement communique communiqué memo email
    e-mail note declaration filing post tweet notice text document transcript ad advertisement video
    """
)

# Nouns for words spoken: "his call for \"…\"", "the senator's answer was that \"…\"".
SPEECH_NOUNS: frozenset[str] = _set(
    """
    call claim claims promise pledge vow words remark remarks comment comments slogan description phrase
    answer warning demand assertion argument question line insistence charge accusation term label quip
    joke retort reply response assessment verdict characterization prediction view belief motto mantra
    refrain catchphrase plea appeal request boast complaint criticism attack message
    """
)

# Head words of organisation names ("the commission" resolves to the last named
# organisation holding the word "Commission").
ORGANISATION_HEADS: frozenset[str] = _set(
    """
    commission committee council ministry department agency group campaign party government
    administration militia movement office army military organization organisation coalition
    company corporation court union network alliance association foundation institute university
    bureau embassy police command force forces board authority authorities service
    center centre league federation front brigade brigades battalion regiment division corps
    parliament senate congress assembly cabinet house pentagon kremlin navy newspaper
    magazine channel station paper news times post journal tribune herald guardian newsday
    inc corp co ltd llc bank fund trust institution mission secretariat presidency tv radio
    broadcaster broadcasting press
    """
)

# Words that precede a name as title, rank, role or origin; they are dropped from a
# person's name ("Pentagon spokesperson Navy Commander Jessica McNulty" -> "Jessica McNulty").
TITLES: frozenset[str] = _set(
    """
    mr mrs ms miss dr prof rev reverend sen sens senator rep reps representative congressman congresswoman
    gov governor lt lieutenant col colonel gen general maj major capt captain cmdr cdr commander adm admiral
    sgt sergeant cpl corporal pvt private brig brigadier marshal chief deputy assistant acting former
    president vice prime minister secretary defense defence state foreign interior justice health
    treasury navy army air force marine marines pentagon spokesman spokeswoman spokesperson spokesmen
    press official officials ambassador envoy director chairman chairwoman chair ceo founder leader
    sheikh shaikh sheik ayatollah imam cleric king queen prince princess lord lady sir dame pope saint st
    mayor judge attorney counsel speaker whip aide adviser advisor analyst professor economist expert
    candidate nominee hopeful democrat democratic democrats republican republicans gop independent
    white house us uk un eu nato iraqi iranian american british french german russian chinese israeli
    palestinian syrian turkish saudi egyptian afghan pakistani indian japanese korean ukrainian
    european african mexican canadian australian national security hon honorable federal county city
    district regional supreme presidential senior junior executive managing campaign commissioner
    inspector sheriff detective officer agent manager strategist pollster host anchor columnist
    correspondent reporter editor
    """
)
# Abbreviations whose period belongs to the word ("Rep. Hakeem Jeffries", "Gov. Mike Pence").
ABBREVIATIONS: frozenset[str] = _set(
    "mr mrs ms dr prof rev sen rep gov gen lt col sgt capt cmdr cdr adm maj brig cpl pvt st jr sr hon amb supt det"
)

# Lower-case words that may sit inside a name ("Hadi al-Ameri", "Ludwig van Beethoven").
NAME_PARTICLES: frozenset[str] = _set(
    "al el bin ibn abu abd bint de del della der den di da du dos das van von la le ter ten"
)
# Lower-case words inside an organisation's name ("Coordinating Committee of the Iraqi Resistance").
ORGANISATION_CONNECTORS: frozenset[str] = _set("of for and & the on")

DETERMINERS: frozenset[str] = _set(
    """
    the a an this that these those another one his her its their our my your some several many
    two three four five six seven eight nine ten other each every both any no
    """
)
# Words between a subject and its reporting verb: "X also said", "X has told".
INTERVENING: frozenset[str] = _set(
    """
    also then later previously has have had was were is are will would could should may might must
    again recently further once did does do not never since still already even first finally
    """
)
# Words of a time phrase between a subject and its verb: "X less than two weeks ago said",
# "Beck, who has in the past described".
TIME_HEADS: frozenset[str] = _set(
    """
    ago week weeks day days month months year years past time morning afternoon evening night weekend
    today yesterday tonight monday tuesday wednesday thursday friday saturday sunday
    """
)
TIME_WORDS: frozenset[str] = TIME_HEADS | _set(
    "than less more about nearly almost last this next earlier later early late in on at during over the a an"
)
# Capitalised words that open a sentence or clause and are not names.
NOT_NAMES: frozenset[str] = _set(
    """
    the a an he she it they we i you his her its their our my this that these those there here
    but and or so yet if when while after before since although though as in on at for from to
    with by of meanwhile however still then now also some many most all no nor one two what why
    how who where which despite following during under over into upon amid among according
    outside inside near across around throughout within behind along like unlike
    in-depth read click subscribe share follow note update updated editor's watch photo image
    monday tuesday wednesday thursday friday saturday sunday january february march april may june
    july august september october november december today yesterday tomorrow last next
    """
)
# Sentence openers that introduce a phrase ending at the first comma rather than the
# subject: "In response, …", "Commenting on the agreement, …", "On 26 December, …".
INTRODUCTORY: frozenset[str] = _set(
    """
    in on at after before following during despite defying under over amid among since while when
    as however meanwhile still yet but and so then later earlier also instead indeed moreover
    furthermore nevertheless commenting speaking asked responding writing addressing according
    last this next for with without by from to through outside inside near across around
    throughout within behind along like unlike if although though because once until
    """
)
# Prepositions and verbs after which a named organisation is an object ("told Newsweek",
# "sent a letter to The Washington Newsday"), not the one speaking.
OBJECT_MARKERS: frozenset[str] = _set(
    "to told tell tells with by from at in on for of as about than into onto via against"
)
# Verbs between a subject and its cue: "went on to say", "continued to insist", "wanted to stress".
CATENATIVE: frozenset[str] = _set(
    """
    on continued continues went wanted wants tried tries decided chose proceeded appeared seemed
    sought used has had have going
    """
)
CATENATIVE_MOTION: frozenset[str] = _set("went goes go going")  # the verb before "on to say"
# Words that join two clauses sharing a subject: "X referred to Rubio as … but described …".
COORDINATORS: frozenset[str] = _set("and but")
