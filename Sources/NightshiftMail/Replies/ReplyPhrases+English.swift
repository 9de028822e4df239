extension ReplyPhrases {
    /// The English defaults.
    static let english: [Category: [String]] = [
        .interested: [
            "interested", "sounds interesting", "sounds good", "sounds great", "let's talk", "can we talk", "happy to talk",
            "happy to chat", "love to chat", "tell me more", "learn more", "know more", "more information", "more info", "more details",
            "a demo", "book a call", "schedule a call", "set up a call", "hop on a call", "jump on a call", "set up a meeting",
            "schedule a meeting", "let's meet", "let's connect", "what times work", "when are you available", "give me a call",
            "call me", "pricing", "good fit", "worth a conversation", "keen to", "walk me through", "show me how", "how it works",
            "how does it work", "works for me", "are you free", "how does … look",
        ],
        .notInterested: [
            "not interested", "no interest", "no thanks", "no thank you", "not for us", "not a fit", "not a good fit",
            "not the right fit", "not right now", "not at this time", "not at the moment", "no need", "don't need", "do not need",
            "we're all set", "we are all set", "already have a solution", "already have a", "already use", "already using",
            "already work with", "happy with our current", "we'll pass", "we will pass", "pass on this", "not looking",
            "no budget", "not a priority", "too expensive",
        ],
        .unsubscribe: [
            "unsubscribe", "remove me", "remove my address", "remove my email", "remove us", "take me off", "take us off",
            "off your list", "off your mailing list", "opt out", "opt me out", "stop emailing", "stop sending", "stop contacting",
            "do not contact me", "don't contact me", "do not email me", "don't email me", "no more emails", "delete my data",
            "delete my details",
        ],
        .ooo: [
            "out of office", "out of the office", "on vacation", "on holiday", "on leave", "on annual leave", "parental leave",
            "maternity leave", "paternity leave", "sick leave", "away from the office", "away from my desk", "currently away",
            "limited access to email", "limited access to my email", "no access to email", "will be back", "back in the office",
            "i will return", "i return on", "no longer with", "no longer work", "left the company", "automatic reply", "auto reply",
            "autoreply",
        ],
        .referral: [
            "please contact", "contact my colleague", "reach out to", "get in touch with", "speak with", "speak to", "talk to",
            "the right person", "right contact", "better person", "better contact", "responsible for", "in charge of",
            "handles this", "handles all", "looping in", "loop in", "cc'd", "cc'ed", "copied", "forwarded your", "i've forwarded",
            "direct your", "write to", "my colleague", "successor", "you could try", "has taken over", "took over", "replaced by",
            "now handled by",
        ],
    ]
}
