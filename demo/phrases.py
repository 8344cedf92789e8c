"""Sentence templates for forum posts, thread titles and report narratives (see demo.text)."""

from __future__ import annotations

# Common slots -------------------------------------------------------------------------------------
DOCS = ["my doctor", "my doctor", "my GP", "my doc", "my PCP", "the nurse practitioner",
        "my specialist", "the locum", "my family doctor"]
# (relative, pronoun, possessive)
RELS = [("my mom", "she", "her"), ("my mum", "she", "her"), ("my dad", "he", "his"),
        ("my sister", "she", "her"), ("my husband", "he", "his"), ("my wife", "she", "her"),
        ("my brother", "he", "his"), ("my aunt", "she", "her"), ("my grandma", "she", "her"),
        ("my partner", "they", "their"), ("my best friend", "she", "her"),
        ("my uncle", "he", "his"), ("my mother in law", "she", "her"), ("my son", "he", "his"),
        ("my daughter", "she", "her"), ("my grandad", "he", "his")]
DURS = ["2 weeks", "about 3 weeks", "a month", "6 weeks", "2 months", "3 months",
        "about 4 months", "6 months", "8 months", "a year", "over a year", "almost 2 years",
        "10 days", "5 days"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
PLACES = ["Ohio", "Leeds", "Texas", "Bristol", "Munich", "Lyon", "Madrid", "Toronto", "Dublin",
          "Rotterdam", "Milan", "the Midwest", "Manchester", "Vancouver", "a small town in Kent",
          "Seville", "Hamburg", "Florida", "Glasgow", "Utrecht"]

# Experience posts ---------------------------------------------------------------------------------
EXP_OPEN = [
    "[Started|Been on|Just started|Switched to] {drug} {dur} ago[ for {cond}|]",
    "So I'm [about|roughly|] {dur} into {drug} {dose}",
    "{dur} on {drug} [now|so far]",
    "Week {wk} on {drug}[!|...|]",
    "[My|The] {doc} put me on {drug} [in {month}|{dur} ago|last month][ for {cond}|]",
    "[Quick|Small|Random] question about {drug}",
    "Been taking {drug} {dose} {freq} since {month}",
    "I've been on {drug} for {cond} for {dur} now",
    "[Ok so|So|Alright so|Hi all,] [my|the] {drug} [was increased|got bumped up] to {dose} "
    "{dur} ago",
    "[Hey guys|Hi everyone|Hello all|Hey], [I'm|im] on {drug} {dose}",
    "Update on my {drug} saga",
    "Restarted {drug} after a break[ because {cond} got bad again|]",
]
EXP_EVENT = [
    "Since starting it {ev_cl}",
    "[The|My] main [issue|problem|complaint] is {ev}",
    "[Anyone|Does anyone] else get {ev} [on|from|with] {drug}?",
    "{ev_cl} and [I'm pretty sure|I think|I just know|my gut says] it's the {drug}",
    "It's [helping|working] [for {cond}|with {cond}] [I think|honestly|mostly] but {ev_cl}",
    "Honestly the {ev} is [killing me|driving me crazy|the worst part|getting old|a lot]",
    "[Ever since|Since] the dose went up to {dose} {ev_cl}",
    "[Problem is|Thing is|Only thing is] {ev_cl}",
    "[I'm getting|Getting] {ev}[ like every day| pretty much daily| on and off|]",
    "[Like clockwork|Every single time], about an hour after I take it {ev_cl}",
    "[Nobody|No one] warned me about the {ev}",
    "[Is the {ev}|Could the {ev} be] [from|related to] the {drug}?",
    "[First week|The first few days] {ev_cl} but [it settled|its calmed down a bit|"
    "it's still there]",
]
EXP_EVENT2 = [
    "Also {ev2_cl}[, not sure if related|, could be unrelated|, which is new|]",
    "Plus {ev2}[ on top|, lovely|]",
    "[And|Oh and] {ev2_cl}",
    "[On top of that|Also] there's the {ev2}",
    "[Not sure if|Don't know if] the {ev2} is part of it too",
]
NEGATION = [
    "No {neg} [tho|though|at least][, which is nice|, thank god|, so that's something|]",
    "[I] haven't had any {neg} [so far|yet|at all]",
    "[Weirdly|Surprisingly|Funny enough] no {neg}",
    "[Didn't|Never] get any {neg}[ which everyone warned me about| thankfully|]",
    "The {neg} [everyone talks about|people warned me about] never happened for me",
    "[Zero|No] {neg} [whatsoever|at all], [touch wood|knock on wood|fingers crossed]",
    "[I was worried about|Was dreading] {neg} but [nope|nothing so far|it never came]",
    "Not getting any {neg} [which I did on other meds|anymore|now]",
]
CLOSE = [
    "[Does it get better?|Will this go away?|Is this normal?|How long did it last for you?|"
    "Should I push through?|Did anyone else stick it out?]",
    "[Thanks for reading|Thanks in advance|Any advice appreciated|Just needed to get that out]",
    "[Seeing {doc}|Appointment|Seeing the doc] [on {day}|in {n} weeks|next week] so [will ask|"
    "we'll see|I'll bring it up]",
    "[Sorry for the long post|Sorry, rambling|Ugh. Ok. Thanks]",
    "[Any tips?|Tips welcome|What helped you?|Anything that helps?]",
]

# Questions and hypotheticals ----------------------------------------------------------------------
QUESTION = [
    "If I get {ev} [on|from] {drug} should I stop [it|taking it]?",
    "[My|The] {doc} said it could cause {ev}[ but| and] [I'm nervous|I'm worried|idk how common "
    "that is|they didn't seem worried]",
    "[The pharmacist|My doctor|The leaflet] [said|says] {drug} can cause {ev}, [how common is that "
    "really?|has anyone actually had that?|should I be worried?]",
    "[Is it safe|Is it ok|Can you] [to |]take {drug} with {drug2}?",
    "What happens if I miss a dose of {drug}?",
    "[Would|Could] {drug} [cause|give you] {ev}? asking because [I've been|im] [worried|paranoid]",
    "Should I take {drug} [in the morning or at night|with food or without]?",
    "Has anyone [tried|switched to] {drug2} instead of {drug}?",
    "They said to [watch out for|look out for] {ev} and {ev2}. [What does that even feel like?|"
    "Is that rare?|How would I know?]",
    "I'm scared I'll get {ev} like [everyone|people] here [describe|talk about]",
    "[What if|Say] I [get|start getting] {ev}, do I [call|ring] {doc} or just [stop|wait]?",
    "How long [does it take|did it take] for {drug} to [kick in|start working|work]?",
    "[Can you|Is it ok to] drink [alcohol|wine|a beer or two] on {drug}?",
    "[Does|Did] {drug} [make you|give you] {ev}? [Just curious|Trying to decide|Be honest]",
]

# Only for people not (yet) on the drug
QUESTION_NEW = [
    "Starting {drug} [tomorrow|next week|on {day}] for {cond}. What [should I expect|side effects "
    "did you get|was the first month like]?",
    "[Thinking of|Considering] asking {doc} about {drug}. [Good idea?|Thoughts?|Worth it?]",
    "{doc} [wants to|is going to] [start me on|put me on] {drug}, [any experiences?|good or bad "
    "stories welcome|what was it like for you?]",
    "[Picking up|Just picked up] my first {drug} prescription. [Nervous|Scared|Hopeful]!",
]

# Family and caregivers ----------------------------------------------------------------------------
FAMILY = [
    "{rel} was on {drug} [for years|a while back|in the 90s] and {fam}",
    "[Not about me but|Asking for] {rel} [who's|who is] on {drug} [and|,] [now|lately] [has|keeps "
    "getting] {ev}. Could it be the meds?",
    "{rel} is on {drug} too and {fam}",
    "[Worried about|Caring for] {rel}, {dur} on {drug} and {pron} [seems|is] [really confused "
    "lately|so tired all the time|falling a lot|just not right]",
    "[Honestly|Tbh] I'm scared of {drug} because {rel} {fam_bad}",
    "{rel} [takes|took] {drug} for {poss} {cond_bare} and {fam}",
]
FAMILY_OUTCOMES = [
    "was on it for 10 years with zero problems", "swore by it", "said it was a miracle",
    "gets {ev} from it too", "did fine on it",
]
FAMILY_BAD = [
    "had a stroke on it", "ended up in hospital on it", "got {ev} really bad on it",
    "had to come off it because of {ev}", "had a heart attack while taking it",
    "had a bad reaction to it", "got {ev} and never really got over it",
]

# Positive / indication ----------------------------------------------------------------------------
INDICATION = [
    "I take {drug} for {cond} and it's [been a lifesaver|honestly changed my life|working well|"
    "ok I guess|doing its job]",
    "{drug} {dose} for {cond}, [{dur} now|since {month}]. [No complaints|Best I've felt in years|"
    "Definitely helping|Slowly getting there]",
    "[For anyone scared to start|Just wanted to share a positive story|Good news post]: {drug} has "
    "[really helped|been great|made a difference] [with|for] {cond}",
    "I take it for {cond}[ btw| fyi|], {dose} [in the morning|at night|with dinner]",
    "[My numbers|My bloods|My latest results|Everything] [went down|are way better|look good] "
    "since starting {drug}",
    "{drug} [isn't perfect|has its downsides] but [it works|I'd take it again|it's worth it] for "
    "{cond}",
    "[It took about {dur}|Took {dur}|Took a while] but {drug} finally [kicked in|started working]",
]

# History ------------------------------------------------------------------------------------------
PAST = [
    "I used to get {pev} on {pdrug} [years ago|back in the day|before I switched]",
    "Used to get rashes on amoxicillin [as a kid|when I was younger|] so [I'm always nervous "
    "with new meds|I always tell the pharmacy]",
    "[Back when I was on|When I took] {pdrug} I [had|got] {pev} [so bad|for months|constantly], "
    "[never again|had to stop|couldn't cope]",
    "[Tried|I was on] {pdrug} [for a year|in 2019|a while ago|for a few months] and [it did "
    "nothing|the {pev} was unbearable|it made me gain {wt}]",
    "[I had|Had] {pev} on {pdrug} but not on {drug}[ so far|, touch wood|]",
    "[Years ago|Before this] I was on {pdrug} and it gave me {pev}",
    "Used to take {pdrug} [for {cond}|] but [stopped|quit] because of [the {pev}|{pev}]",
]

# Withdrawal and switching -------------------------------------------------------------------------
WITHDRAWAL = [
    "[Tapering|Coming off|Weaning off] {drug} and {wd_cl}",
    "[Day|Week] {n} off {drug} and the {wd} [are|is] [brutal|insane|getting better|relentless]",
    "Missed [a dose|2 doses] of {drug} and {wd_cl}[ wow|, is this normal?|]",
    "[Forgot|Forgot to take] my {drug} [yesterday|over the weekend] and {wd_cl}",
    "[Dropped|Went down] from {dose} and {wd_cl}",
]
SWITCH = [
    "[Switching|Switched] from {drug} to {drug2} [because of|due to] the {ev}",
    "[My doc|{doc}] [is lowering|lowered] my {drug} to {dose} [because of|bc of] [the|] {ev}",
    "[Stopped|Quit] {drug} [cold turkey|last week|on {day}] because of [the|] {ev}",
    "[Going|Getting switched] to {drug2} [next week|soon], the {drug} {ev} [was|is] too much",
]

# Serious ------------------------------------------------------------------------------------------
SERIOUS = [
    "[Ended up|I ended up|Wound up] in the ER [last night|on {day}|last week] [with|because of] "
    "{sev}",
    "[Was|I was] hospitalized for {n} days [with|for] {sev}",
    "[Just got home from the hospital|Out of hospital finally|Home from A&E]. {sev_cl}",
    "[PSA|Warning|Please read this]: {sev_cl} after [starting|increasing] {drug}",
    "[Spent|I spent] the weekend in hospital, [they said|turns out] it was {sev}",
    "[Called an ambulance|Had to call 911|My husband drove me to the ER] [on {day}|last week] "
    "because {sev_cl}",
]
SERIOUS_FOLLOW = [
    "[They|The doctors] [think|said] it [was|might have been] the {drug}",
    "[They stopped|I've stopped|Doctors took me off] {drug}",
    "[Still shaky|Feeling a bit better now|Still recovering] [but ok|, slowly|]",
    "[Please|Pls] [listen to your body|don't ignore symptoms|get checked if something feels off]",
    "[I'd been ignoring|I ignored] the {ev} for weeks[ which was stupid|, lesson learned|]",
    "[The hospital|They] [said they'd report it|filled out some form about it]",
]

# Short replies ------------------------------------------------------------------------------------
SHORT = [
    "[Same here|Same|This!|+1|Me too|Yep|Ugh same|Exactly this]",
    "[Hang in there|Sending hugs|Hugs|Thinking of you][ 💕| ❤️|!|]",
    "[Thanks|Thank you|Thx] [so much|!!|this helps|for sharing]",
    "[Following|Bump|Following this thread|Commenting to follow]",
    "[Talk to your doctor|Ask your pharmacist|Call your GP] [before stopping|about it|asap]",
    "it gets better after [2|3|4|6] weeks[, promise|, hang in|]",
    "[Congrats!|So happy for you!|Great news!|Love this]",
    "[Same experience|Exactly the same for me] tbh",
]
SHORT_DRUG = [
    "[Same|Me too], {drug} gave me {ev}[ too|]",
    "{ev} here too [on {drug}|] [lol|ugh|]",
    "[Yep|Yes], {drug} [did that to me|does that|gave me that] [too|as well]",
    "I'm on {drug} and [no issues|no problems|zero side effects] so far",
    "[Mine|My {ev}] went away after [a month|6 weeks|a few weeks] on {drug}",
]

# Posts without any drug ---------------------------------------------------------------------------
VENT = [
    "[Just need to vent|Rant incoming|Sorry, need to vent|Vent post]",
    "[Today was awful|Worst week in a while|Everything feels heavy|Rough day]",
    "[My boss|Work|My family|My insurance company] [doesn't get it|is driving me nuts|keeps making "
    "it harder]",
    "[Anyone else|Does anyone else] [feel like nobody understands|feel invisible|feel like a "
    "burden] [sometimes|lately]?",
    "[Couldn't|Could not] get out of bed [today|until 2pm|all weekend]",
    "The [waiting lists|wait times|insurance calls|prior authorizations] are [ridiculous|soul "
    "destroying]. {n} months for [an appointment|a specialist]!",
    "[The weather|This rain|This heat|Winter] [makes everything worse|isn't helping]",
    "[I'm|I am] so tired of [explaining myself|being sick|people saying just exercise more]",
    "[Cried in the car|Cancelled plans again|Missed my kid's game] [today|this week]",
    "[Sorry|Sorry guys], [nobody else to say this to|just needed to type it out]",
]
THANKS = [
    "[Just wanted to say thanks|Thank you|Big thanks] [to everyone here|for the replies|to this "
    "group]",
    "[You guys|This forum|This place] [got me through|helped me through] [a rough patch|last "
    "winter|the worst month]",
    "[Been lurking for ages|Long time lurker], [finally made an account|first post] to say "
    "thank you",
    "[Seriously|Honestly], reading your stories [helps|makes me feel less alone]",
    "[Took|Followed] your advice [and|,] [it worked|things are better|I feel heard]",
]
SCHEDULE = [
    "[Appointment|Checkup|Bloodwork|Follow up] [tomorrow|on {day}|next week], "
    "[wish me luck|nervous|finally]",
    "[Anyone going to|Is anyone doing] the [online meetup|zoom chat|support group] on {day}?",
    "[The weekly check-in|Monthly chat|The Thursday call] [is moved|moves] to {day} at {hour}",
    "Got my [referral|specialist appointment] [through|finally] - only waited {n} months",
    "[Reminder|Friendly reminder]: [group call|meetup] [on {day}|this week], link in the "
    "pinned post",
    "[Can't make|Missing] {day}'s [chat|call], [sorry all|next time]",
]
DIET = [
    "[Anyone tried|Has anyone tried] [intermittent fasting|low carb|keto|the mediterranean diet|"
    "cutting out sugar|going vegetarian]?",
    "[Made|Tried] [cauliflower rice|overnight oats|lentil soup|a big salad|air fryer salmon] "
    "[today|tonight] and [it was actually good|honestly not bad|never again lol]",
    "[Walking|Swimming|Yoga|Cycling|Gardening] [every day|3x a week] [is helping|has helped] [more "
    "than I expected|my mood|my numbers]",
    "[How do you|How does everyone] [deal with|handle] [sugar cravings|late night snacking|eating "
    "out|holiday food]?",
    "[Down|Lost] {wt} [since January|this year|since summer] [just from|from] [walking|cutting out "
    "soda|cooking at home]!",
    "[Oat milk or almond milk|Brown rice or quinoa|Eggs every day]? [Settle this|Genuine question]",
    "Meal prep Sunday [done|again], [feeling organised|kitchen is a disaster]",
]
INTRO = [
    "Hi all, [new here|first post|just joined]",
    "[{age}|{age}F|{age}M|{age} yo] from {place}, [diagnosed|dx] with {dx2} [last year|in {month}|"
    "recently]",
    "[Not on any meds yet|Still figuring out treatment|Trying lifestyle changes first], just "
    "[reading|learning] [for now|as much as I can]",
    "[Glad I found this place|Looking forward to chatting|Hope to learn from you all]",
    "[Married|Single mum|Retired teacher|Work in IT|Student], [2 kids|a dog|three cats|no kids]",
]
GENERAL = [
    "[Happy Friday|Happy Monday|Happy holidays|Happy new year] [everyone|all|folks]!",
    "How is everyone doing [today|this week]?",
    "[What|Which] [shows|podcasts|books] are you into [lately|right now]?",
    "[Small win|Good news]: [walked 10k steps|went back to work|slept 8 hours|saw friends] today",
    "[Does anyone|Anyone] [else|] [journal|use a mood tracker|do breathing exercises]?",
    "[The new forum layout|The app update] is [confusing|nice|weird] [lol|tbh|]",
    "Weather's [finally nice|miserable] here in {place}",
]

# Long rambling posts ------------------------------------------------------------------------------
LIFE = [
    "My kids are [7 and 10|teenagers|little] so mornings are chaos",
    "I work [night shifts|in retail|from home|as a nurse|in a warehouse] which [doesn't help|makes "
    "it hard to stick to a routine]",
    "[My partner|My husband|My wife] has been [really supportive|trying but doesn't get it]",
    "[Money|Work|The house move] has been [stressful|a nightmare] on top of everything",
    "I'm [{age}|in my {decade}s] and [never thought I'd be on meds|have been dealing with this "
    "forever]",
    "[Last year|Over the summer|At Christmas] [I lost my dad|we had a big family drama|I changed "
    "jobs] and [things went downhill|it all fell apart a bit]",
    "[I tried|We tried] [therapy|CBT|acupuncture|yoga|cutting out caffeine] [first|too] and it "
    "[helped a bit|didn't do much]",
    "[Honestly|To be honest] some days I [wonder if it's all in my head|just want to feel normal]",
    "I [walk the dog|go to the gym|try to get outside] [every day|when I can] which helps",
]
STORY = [
    "[So|Ok so] [a bit of background|some context|my story]: I was [diagnosed with|"
    "told I had] {dx} [back in {year}|a few years ago|after my second kid]",
    "[At first|Initially] [they|{doc}] [tried|put me on] {pdrug} [but|and] [it didn't work|I had "
    "{pev}]",
    "Then [in {month}|last {month}|{dur} ago] I [started|switched to] {drug} {dose}",
    "[The first couple weeks were rough|It was fine at first|Honestly it started well]",
]
LONG_OPEN = [
    "[Sorry this is going to be long|Long post, sorry|Buckle up, this is long|Where do I even "
    "start]",
    "[I've been lurking for a while|I've been meaning to post for months] and [finally|today] "
    "[decided to write|felt ready to share]",
]

# Privacy canaries ---------------------------------------------------------------------------------
CANARY = [
    "Hi I'm {full}, [email me at|you can email me at|my email is] {email} if you want to compare "
    "notes on {drug}",
    "[Call me|Text me|Feel free to call] {phone} if you want to chat, I'm usually free after 6. "
    "{first}",
    "[It's|This is] {full} [from the {day} call|from the meetup]. My number is {phone}, [text "
    "anytime|whatsapp is fine]",
    "Would love a [buddy|pen pal] going through the same thing, {email} [or|,] {phone}. "
    "- {full}",
    "[If anyone|Anyone who] wants to [talk|vent] [privately|offline], {email}. [{first}|{full}]",
]

# Thread titles ------------------------------------------------------------------------------------
TITLES: dict[str, list[str]] = {
    "experience": ["{Drug} and {ev}?", "{ev} on {drug}", "Anyone else on {drug}?",
                   "{drug} side effects", "Week {wk} on {drug}", "is this normal??",
                   "{Drug} experiences", "{Drug} - {ev}", "{dur} on {drug}, update"],
    "question": ["Question about {drug}", "{drug} question", "Starting {drug} - advice?",
                 "Should I stop {drug}?", "{Drug} + {drug2}?", "newbie question"],
    "family": ["Worried about {rel}", "{Drug} and family history", "Caregiver question"],
    "indication": ["{Drug} success story", "Positive {drug} experience", "{Drug} for {cond}",
                   "Some good news"],
    "past": ["Bad reactions in the past", "{Pdrug} vs {drug}", "Med history thread"],
    "withdrawal": ["Coming off {drug}", "{Drug} withdrawal", "Tapering {drug}", "Switching meds"],
    "serious": ["ER visit", "Hospitalized - {drug}?", "PSA about {drug}", "Scary night"],
    "vent": ["Rant", "Bad day", "Need to vent", "Ugh", "Venting thread"],
    "thanks": ["Thank you all", "Grateful", "Just a thank you"],
    "schedule": ["Weekly check-in", "Appointment tomorrow", "Meetup on {day}?", "Scheduling"],
    "diet": ["Diet tips?", "Recipes thread", "Exercise motivation", "What are you eating today"],
    "intro": ["Hi from {place}", "New here", "Introducing myself", "Hello!"],
    "general": ["Random chat thread", "How's everyone doing?", "Small wins thread"],
    "long": ["My story (long, sorry)", "Long post - {drug} journey", "Where do I even start",
             "{dur} with {cond}, my experience"],
    "canary": ["Looking for others on {drug}", "Pen pals?", "Buddy system?"],
}
