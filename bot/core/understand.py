"""Read a traveller's message: its language, what it asks (the intent) and which destination.

Intents are found by weighted keywords and phrases of both languages, matched on folded words
with one typo allowed in words of five letters or more. A place with no other request means the
travel advice for it; a place with an out-of-scope topic (weather, hotels, scores) is "unknown",
the place still reported so that the reply can say what the bot does cover.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from bot.core.places import (
    COUNTRY,
    LANG_EN,
    LANG_FR,
    PlaceChoice,
    PlaceIndex,
    PlaceMatch,
    after_preposition,
    find_places,
    resolve_places,
)
from bot.core.textnorm import Token, tokenize


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


INTENTS = (
    "advisory",
    "health",
    "entry",
    "departure",
    "contacts",
    "subscribe",
    "unsubscribe",
    "subscriptions",
    "hotspots",
    "language",
    "help",
    "emergency",
    "compare",
    "route",
    "border",
    "smalltalk",
    "unknown",
)
CONTINENTS = ("africa", "europe", "asia", "americas", "oceania", "middle_east")
UNKNOWN = "unknown"
# When two intents score the same, the more specific request wins.
_TIE_ORDER = (
    "unsubscribe",
    "subscriptions",
    "subscribe",
    "language",
    "hotspots",
    "departure",
    "entry",
    "contacts",
    "health",
    "advisory",
    "help",
)


@dataclass(frozen=True, slots=True)
class Understanding:
    """What a message asks, about which destination, in which language."""

    text: str
    lang: str  # "en" | "fr"
    intent: str  # one of INTENTS
    country: str | None  # ISO alpha-2, None when none or ambiguous
    region: str | None  # region_id
    place: str | None  # the words of the message that matched the place
    candidates: tuple[str, ...]  # ISO codes when the place is ambiguous, else ()
    score: float  # 0-100 confidence of the place match (100 exact), 0 when no place
    continent: str | None = None  # for hotspots "in Africa"
    places: tuple[str, ...] = ()  # every distinct country named, in message order
    uncertain: bool = False  # True: not safe to answer on; `candidates` holds "did you mean"
    detail: str | None = None  # emergency kind, small-talk kind or route means

    def as_json(self) -> dict[str, object]:
        """A JSON-ready dict of every field."""
        return {
            "text": self.text,
            "lang": self.lang,
            "intent": self.intent,
            "country": self.country,
            "region": self.region,
            "place": self.place,
            "candidates": list(self.candidates),
            "score": self.score,
            "continent": self.continent,
        }


# ---- vocabulary ----------------------------------------------------------------------------------
# Each entry is a phrase, optionally "=weight" (default 2). Phrases are folded like messages, so
# accents and apostrophes are optional; "sûr" is the one word whose accent matters
# (see _keyword_form).

_KEYWORDS: dict[str, dict[str, str]] = {
    "advisory": {
        "en": """is it safe=4, safe, safety, safely, unsafe, dangerous, danger, dangers, risk,
            risks, risky, security, secure=1, insecure, insecurity, situation, level, levels,
            travel advice=3, travel advisory=3, advisory, advisories, advice=1, alert=1.5,
            alerts, warning, warnings, threat, threats, terrorism, terrorist, terrorists,
            attack, attacks, kidnapping, kidnappings, kidnap, kidnapped, crime, crimes,
            criminal, robbery, robberies, unrest, protest, protests, demonstrations, riots,
            riot, coup, war, conflict, fighting, violence, violent, curfew, martial law=3,
            jihadist, jihadists, insurgents, insurgency, bandits, banditry, landmines,
            state of emergency=3, what s happening=3, whats happening=3, happening=1.5,
            going on=2, news=1.5, latest=1, update=1, updates=1, should i go=3, can i go=3,
            can i travel=3, ok to travel=3, okay to travel=3, is it ok=2, do not travel=2,
            hurricane, earthquake, floods, flooding, cyclone, volcano, eruption, tension,
            tensions, tense=1, calm=1, stable=1, scams=1.5, scam=1.5, theft, pickpockets,
            carjacking, shooting, shootings, bombing, bombings, explosion, military, army,
            rebels, rebel, clashes, travel to=1, travelling to=1, traveling to=1, trip to=1,
            visit=1, go to=1, alone=1, at night=1.5, solo=1, woman=1, women=1, female=1,
            lgbt=1.5, gay=1, walk=1, driving=1, drive=1, road trip=1, overland=1,
            vigilance, caution, careful, precautions, precaution, recommendations,
            how safe=3, how dangerous=3, security situation=3, travel warning=3,
            is it risky=3, be careful=2, what should i do=3, what do i do=3, what to do=2.5,
            what can i do=2.5, am i safe=4, are we safe=4, what should we do=3, what do we do=3,
            gunshots=3, gunshot=3, gunfire=3, shots fired=4, gun shots=4, explosions=2.5,
            blasts=2.5, blast=2, shelling=3, airstrikes=3, airstrike=3, protesters=2,
            protestors=2, looting=3, how bad=3, is it bad=3, is it dangerous=4, is it calm=3,
            is everything ok=3, is everything calm=3, is everything fine=3, security concerns=4,
            safety concerns=4, concerns=1, security issues=4, safety issues=4,
            security problems=4, safe to stay=3, safe to go=3, safe to visit=3, safe to walk=3,
            should i let=3, cancel our trip=3, cancel my trip=3, cancel the trip=3,
            cancel our holiday=3, cancel my holiday=3, postpone=1.5, let him go=3, let her go=3,
            let them go=3, worried=1.5, worry=1.5, scared=1.5, afraid=1.5,
            concerned=1, crazy=1.5, ok for=1.5, in the evening=1""",
        "fr": """est ce sur=3, c est sur=3, est sur=2.5, pas sur=2, sûr=3, sûre=3, sûrs=3,
            sûres=3, surete, dangereux, dangereuse, dangereuses, danger, dangers, risque,
            risques, risqué, risquée, securite, en securite=3, securitaire, insecurite,
            situation, situation securitaire=3, niveau, niveaux, alerte=1.5, alertes,
            avertissement, avertissements, conseils aux voyageurs=3, conseils de voyage=3,
            conseil=1, conseils=1, menace, menaces, terrorisme, terroriste, terroristes,
            attentat, attentats, attaque, attaques, enlevement, enlevements, enlevé,
            kidnapping, criminalite, crime, crimes, agression, agressions, banditisme,
            bandits, manifestation, manifestations, manifs, emeutes, troubles, coup d etat=3,
            guerre, conflit, conflits, combats, violences, violent, violente, couvre feu=3,
            etat d urgence=3, jihadistes, djihadistes, djihadiste, jihadiste, ca craint=3,
            craint, craindre, que se passe t il=3, se passe=2, passe t il=2, actualite=1.5,
            actualites=1.5, actu=1.5, nouvelles=1, infos=1, peut on aller=3, puis je aller=3,
            je peux aller=3, peut on voyager=3, puis je voyager=3, deconseille=2,
            deconseillee=2, zone rouge=3, zone orange=3, tranquille=1, calme=1, stable=1,
            tendu=1, tendue=1, seisme, ouragan, cyclone, inondations, arnaques=1.5,
            arnaque=1.5, vols avec violence=3, pickpockets, braquages, fusillade,
            explosion, militaires, armee, rebelles, affrontements, tensions, aller au=1,
            aller en=1, voyager au=1, voyager en=1, voyage au=1, voyage en=1, y aller=1.5,
            seule=1, seul=1, la nuit=1.5, femme=1, femmes=1, conduire=1,
            vigilance, vigilance renforcee=3, prudence, prudent=1.5, prudente=1.5,
            precautions, recommandations, comment est la situation=3, c est calme=2,
            ca se passe comment=3, que faire=3, que dois je faire=3, quoi faire=2.5,
            je fais quoi=3, on fait quoi=3, suis je en securite=4, tirs=3, tir=2, coups de feu=4,
            rafales=3, ca tire=4, ca tire dehors=4, explosions=2.5, detonations=3, pillages=3,
            bombardements=3, c est grave=3, est ce grave=3, c est chaud=3, ca chauffe=3,
            chauffe=1.5, est ce que ca va=3, ca va la bas=4, tout va bien=2, sans risque=3,
            sans souci=2, sans danger=3, se balader=1.5, le soir=1.5, inquiet=1.5,
            inquiete=1.5, inquiets=1.5, inquietes=1.5, peur=1.5, folie=2,
            qu est ce que je dois faire=3, qu est ce qu on doit faire=3, dois je faire=3,
            laisse partir=3, annuler notre voyage=3, annuler mon voyage=3,
            annuler le voyage=3, annuler nos vacances=3, reporter=1.5, laisser partir=3,
            partir au=1, partir en=1, partir a=1, partir pour=1, part au=1, part en=1,
            partent au=1, partent en=1, partons au=1, partons en=1""",
    },
    "health": {
        "en": """vaccine=3, vaccines=3, vaccination=3, vaccinations=3, vaccinated=3, jab=2,
            jabs=2, shots=2, malaria=3, yellow fever=4, fever=2, cholera=3, ebola=3, dengue=3,
            covid=3, mpox=3, measles=3, polio=3, rabies=3, typhoid=3, meningitis=3,
            hepatitis=3, zika=3, health=3, hospital=3, hospitals=3, clinic=3, clinics=3,
            doctor=3, doctors=3, medical=3, medicine=3, medicines=3, medication=3,
            medications=3, pharmacy=3, pharmacies=3, drugstore=3, prescription=3, meds=3, sick=2.5,
            illness=2.5, disease=3, diseases=3, epidemic=3, outbreak=3, pandemic=3,
            tap water=4, drinking water=4, drink the water=4, water safe=3, mosquito=3,
            mosquitoes=3, mosquitos=3, prophylaxis=3, antimalarial=3, antimalarials=3,
            altitude sickness=4, food poisoning=4, diarrhea=3, diarrhoea=3, pregnant=2.5,
            insurance=1.5, nurse=2.5, dentist=3, treatment=2, bitten=2, injured=2,
            vaccine certificate=2, healthcare=3, hiv=3, tuberculosis=3, plague=3, drinkable=3,
            safe to drink=4, drink water=3, potable=3, bite=2.5, bites=2.5, bitten=3,
            vaccins=3, vacines=3, vacine=3""",
        "fr": """vaccin=3, vaccins=3, vaccination=3, vaccinations=3, vacciné=3, vaccinée=3,
            palu=3, paludisme=3, fievre jaune=4, fievre=2, cholera=3, ebola=3, dengue=3,
            covid=3, mpox=3, variole=3, rougeole=3, polio=3, rage=2.5, typhoide=3,
            meningite=3, hepatite=3, zika=3, sante=3, sanitaire=3, sanitaires=3, hopital=3,
            hopitaux=3, clinique=3, cliniques=3, medecin=3, medecins=3, docteur=3, medical=3,
            medicale=3, medicaux=3, medicament=3, medicaments=3, medocs=3, pharmacie=3,
            pharmacies=3,
            ordonnance=3, malade=2.5, maladie=3, maladies=3, epidemie=3, pandemie=3,
            eau du robinet=4, eau potable=4, boire l eau=4, moustique=3, moustiques=3,
            antipaludeen=3, antipaludeens=3, antipaludique=3, soins=2.5, soigner=2.5,
            se soigner=3, enceinte=2.5, assurance=1.5, infirmier=2.5, infirmiere=2.5,
            dentiste=3, traitement=2, blesse=2, tuberculose=3, peste=3, vih=3, sida=3,
            mal de l altitude=4, intoxication=3, mordu=3, mordue=3, morsure=3, piqure=2.5,
            piqures=2.5, potable=3""",
    },
    "entry": {
        "en": """visa=3, visas=3, e visa=4, evisa=4, passport=2.5, passports=2.5,
            entry requirements=5, entry=2.5, enter=2, entering=2, get in=1.5, arrival=1.5,
            arriving=1.5, on arrival=2.5, customs=3, immigration=3, requirements=2.5,
            documents=2, document=2, permit=2, residence permit=3, transit=2, stay=1,
            how long can i stay=4, overstay=3, declare=2, allowed to bring=3, bring=1,
            esta=3, etias=3, border control=3, letter of invitation=3, invitation letter=3,
            yellow fever certificate=5, vaccination certificate=3, proof of=1.5,
            need to show=2, id card=2.5, identity card=2.5, tourist card=3, work permit=3,
            do i need=1.5, entry rules=5, entry conditions=5, allowed in=2.5, let in=2,
            bring my=3, pet=2, pets=2, dog=2, cat=1.5, animal=2, animals=2, drone=2.5,
            drones=2.5""",
        "fr": """visa=3, visas=3, e visa=4, evisa=4, passeport=2.5, passeports=2.5,
            conditions d entree=5, formalites d entree=5, entree=2.5, entrer=2,
            formalites=3, douane=3, douanes=3, douanier=3, douaniers=3, immigration=3,
            documents=2, papiers=2, carte d identite=2.5, titre de sejour=3, sejour=1,
            rester=1, combien de temps=1.5, transit=2, autorisation=2, arrivee=1.5,
            a l arrivee=2.5, exigences=2.5, declarer=2, apporter=1, certificat=2,
            certificat de vaccination=3, lettre d invitation=3, ai je besoin=1.5,
            faut il un=1.5, il faut un=1.5, besoin d un=1.5, regles d entree=5,
            emmener=2.5, amener=2.5, chien=2, chat=1.5, animal=2, animaux=2, drone=2.5""",
    },
    "departure": {
        "en": """leave=2.5, leaving=2.5, how to leave=4, how do i leave=4, get out=4,
            getting out=4, out of the country=4, evacuation=3, evacuate=3, evacuated=3,
            evacuations=3, flights out=4, flight out=4, flights=2, flight=2, airport=2.5,
            airports=2.5, roads out=4, road out=4, border=2.5, borders=2.5,
            border crossing=3, border crossings=3, crossing=1.5, exit=2.5, escape=3, flee=3,
            fleeing=3, way out=4, commercial flights=3, airlines=2, airline=2,
            land border=3, departure=3, depart=2.5, ferry=1.5, route out=4, stranded=3,
            flight cancelled=4, flight canceled=4,
            flight was cancelled=4, flight was canceled=4, flights cancelled=4,
            stuck=2, trapped=3, repatriation=3, repatriate=3, go home=2.5, get home=2.5,
            fly out=4, drive out=4, quit=2.5, out of=2.5, open=1, closed=1, still open=2, evac=3,
            shelter=1.5,
            safest route=3""",
        "fr": """quitter=3, quitte=2.5, quittez=2.5, quitter le pays=5, partir=2.5,
            comment partir=4, sortir=2.5, sortir du pays=5, evacuation=3, evacuer=3,
            evacuations=3, rapatriement=3, rapatrier=3, vols=2, vol=1.5,
            vols commerciaux=3, vol annule=4, vol est annule=4, vols annules=4,
            vol a ete annule=4, aeroport=2.5, aeroports=2.5, frontiere=2.5, frontieres=2.5,
            passage de la frontiere=3, routes=1, fuir=3, echapper=3, s echapper=3, s en aller=3,
            rentrer=2,
            rentrer en france=3, sorte=2.5, sortions=2.5, coince=3, coincee=3, coinces=3,
            coincees=3, bloque=2, bloquee=2,
            bloques=2, depart=2.5,
            compagnies aeriennes=2, compagnie aerienne=2, ouvert=1, ouverte=1, ferme=1,
            fermee=1, encore ouvert=2, partir du=3, sortir du=3""",
    },
    "contacts": {
        "en": """embassy=3.5, embassies=3.5, consulate=3.5, consulates=3.5, consul=3,
            high commission=3.5, emergency number=5, emergency numbers=5, emergency=2,
            police=3, ambulance=3, fire brigade=3, firefighters=3, fire department=3,
            who do i call=5, who to call=5, who should i call=5, who can i call=5, call=1,
            phone number=3.5, phone numbers=3.5, number=1.5, numbers=1.5, phone=2,
            telephone=2, contact=2.5, contacts=2.5, hotline=3, helpline=3, address=2,
            lost my passport=6, lost passport=6, stolen passport=6, passport stolen=6,
            passport was stolen=6, stolen=3, robbed=3, wallet=1.5, reach=1, get help=2,
            help line=3, 911=3, 112=3""",
        "fr": """ambassade=3.5, ambassades=3.5, consulat=3.5, consulats=3.5, consul=3,
            numero d urgence=5, numeros d urgence=5, urgence=2, urgences=2, police=3,
            gendarmerie=3, pompiers=3, samu=3, ambulance=3, qui appeler=5, qui contacter=5,
            qui dois je appeler=5, appeler=2, contacter=2, joindre=2, numero=2, numeros=2,
            telephone=2, adresse=2, contact=2.5, contacts=2.5, passeport perdu=6,
            perdu mon passeport=6, passeport vole=6, vole mon passeport=6,
            on m a vole mon passeport=6, cellule de crise=3, police secours=4,
            secours=2, vole=3, volee=3, voles=3, volees=3, portefeuille=1.5,
            cambriole=3, cambriolee=3, agresse=2""",
    },
    "subscribe": {
        "en": """subscribe=4, sign up=3, sign me up=4, follow=3, alert me=4, notify me=4,
            keep me posted=4, keep me updated=4, keep me informed=4, let me know=2,
            notifications=2, notification=2, send me alerts=4, send me updates=4,
            get alerts=3, receive alerts=3, watch=2, monitor=2, track=2, add=2.5,
            tell me when=3, warn me=4, inform me=3, ping me=4, message me=3,
            get notified=4, be notified=4, subscription=2.5, updates on=1.5, turn on=4,
            switch on=4, activate=4, enable=4, to my alerts=5, to my list=5, want alerts=4,
            want updates=4, want notifications=4, send me=3""",
        "fr": """abonne moi=4, abonner=3.5, m abonner=4, s abonner=3.5, abonnement=2.5,
            suivre=3, previens moi=4, prevenez moi=4, previens=3, prevenir=2.5,
            avertis moi=4, avertissez moi=4, alerte moi=4, alertez moi=4, m alerter=4, alerter=3,
            tiens moi au courant=4, tenez moi au courant=4, tiens moi informe=4,
            tenez moi informe=4, tiens moi informee=4,
            tenez moi informes=4,
            notifie moi=4, notifications=2, notification=2, inscris moi=4, inscrire=3,
            m inscrire=4, ajoute=2.5, ajouter=2.5, recevoir les alertes=3,
            recevoir des alertes=3, surveiller=2, je veux suivre=4, informe moi=3,
            au courant=2, activer=4, active=3, activez=4, a mes alertes=5, a ma liste=5,
            veux des alertes=4, veux les alertes=4, voudrais des alertes=4, abonnez moi=4,
            abonnez=3.5, inscrivez moi=4,
            voudrais les alertes=4, recevoir=2.5, envoie moi=3, envoyez moi=3""",
    },
    "unsubscribe": {
        "en": """unsubscribe=5, stop alerts=5, stop the alerts=5, stop sending=5,
            stop following=5, unfollow=5, no more alerts=5, no more notifications=5,
            remove=4, cancel=3.5, turn off=4, mute=4, opt out=5, stop=2, delete=4,
            from my alerts=5, from my list=5, off my list=5,
            stop notifications=5, stop notifying=5, stop messaging=5, dont want alerts=4,
            don t want=2, take me off=5, switch off=4, disable=4, unsub=5, no more=3.5, anymore=2.5,
            any more=2, no longer=3, dont want=2""",
        "fr": """desabonner=5, desabonne=5, desabonne moi=5, me desabonner=5,
            desabonnement=5, desinscrire=5, desinscris moi=5, me desinscrire=5,
            arreter les alertes=5, arrete les alertes=5, arretez les alertes=5, arrete=2.5,
            arreter=2.5, arretez=2.5, stop=2, plus d alertes=5, ne plus recevoir=5,
            ne plus suivre=5, retire=4, retirer=4, retirez=4, supprime=4, supprimer=4,
            enleve=4, enlever=4, annuler=3.5, annule=3.5, desactiver=4, desactive=4,
            de mes alertes=5, de ma liste=5, plus de notifications=5, plus de notifs=5,
            plus de messages=5, arreter de suivre=6, arrete de suivre=6, arretez de suivre=6,
            couper les alertes=5, je ne veux plus=4, ne suis plus=3, plus besoin=3.5""",
    },
    "subscriptions": {
        "en": """my subscriptions=5, subscriptions=4, my alerts=4, my list=3,
            am i subscribed=5, subscribed to=4, subscribed=3, am i following=5,
            do i follow=5, i m following=3, my countries=4, which countries do i=4,
            what countries do i=4, what am i=3, list my=4, show my=4, do i have=3,
            do i still have=4, alerts on=2.5, followed=3, list of my=4, my followed=4,
            following=1.5, alerts do i have=4, which alerts=3, what alerts do=3""",
        "fr": """mes abonnements=5, abonnements=4, mes alertes=4, ma liste=3, liste de mes=4,
            suis je abonne=5, je suis abonne=4, abonne a quoi=5, quoi suis je=4,
            mes pays=4, quels pays je=4, quels pays est ce que je=4, je suis quels=4,
            est ce que je suis=2, je recois=2.5, quels pays je suis=5,
            suis je inscrit=5, je suis inscrit=4, pays que je suis=5, que je suis=3,
            alertes activees=3, alertes j ai=4, alertes ai je=4, quelles alertes=2.5""",
    },
    "hotspots": {
        "en": """countries to avoid=6, which countries=2.5, what countries=2.5,
            most dangerous=4, most dangerous countries=6, dangerous countries=6,
            riskiest=4, worst countries=4, level 4 countries=6, do not travel list=6,
            no go=3, where not to go=6, where shouldn t i go=6, places to avoid=5,
            where is it dangerous=4, most dangerous places=5, hotspots=6, hot spots=6,
            red zones=4, countries=1.5, safest countries=5, least safe=4,
            where should i not go=6, which places=2.5, what places=2.5,
            most unsafe=4, most risky=4, level 4=2, level four=2, where is it safe=3,
            should i not travel=6, should not travel=5, not to travel=5,
            where not to travel=6, shouldn t travel=5, where=1""",
        "fr": """pays a eviter=6, pays les plus dangereux=6, pays dangereux=6,
            les plus dangereux=4, plus dangereux=3, les plus dangereuses=4,
            plus dangereuses=3, les plus risques=4, quels pays=2.5,
            ou ne pas aller=6, ne faut il pas aller=6, ne faut il pas=4, il ne faut pas aller=6,
            pays deconseilles=6, pays en rouge=6, zones rouges=4, pays de niveau 4=6,
            niveau 4=2, a eviter=3, eviter=2, points chauds=6, destinations a eviter=6,
            destinations dangereuses=6, ou est ce dangereux=4, ou c est dangereux=4,
            ou est ce que c est dangereux=4, ou c est risque=4, pays les plus surs=5,
            pays=1, ou ne dois je pas aller=6, ou aller=1.5""",
    },
    "language": {
        "en": """in french=4, in english=4, speak french=5, speak english=5,
            switch to french=5, switch to english=5, switch language=5, change language=5,
            language=3, languages=3, english please=5, french please=5, set language=5,
            language settings=5, reply in=3, answer in=3, talk in=3, english=1.5,
            french=1.5, write in=3, respond in=3""",
        "fr": """en francais=4, en anglais=4, parle francais=5, parlez francais=5,
            parle anglais=5, parlez anglais=5, passe en francais=5, passe en anglais=5,
            passer en francais=5, passer en anglais=5, changer de langue=5, langue=3,
            langues=3, francais svp=5, anglais svp=5, francais stp=5, anglais stp=5,
            reponds en=3, repondez en=3, reponds moi en=4, ecris en=3, ecrivez en=3,
            francais=1.5, anglais=1.5, change de langue=5, parle moi en=4""",
    },
    "help": {
        "en": """hello=1, hi=1, hey=1, good morning=1, good evening=1, good afternoon=1,
            greetings=1, help=2, what can you do=6, what do you do=5, how does this work=5,
            how do you work=5, what are you=3, who are you=3, commands=3, menu=2, start=3,
            thanks=3, thank you=3, thx=3, ty=2, cheers=2, how to use=4, instructions=3,
            features=3, options=2, bye=2, goodbye=2, help me=2, can you help=3,
            what is this=3, what s this=3, ok thanks=3, great thanks=3, yo=1, hiya=1, bot=3,
            this bot=4, how do i use=5, use this=3, use you=3, use this bot=5""",
        "fr": """bonjour=1, salut=1, bonsoir=1, coucou=1, hello=1, aide=2, aide moi=3,
            a l aide=3, que sais tu faire=6, que peux tu faire=6, tu sers a quoi=6,
            sers a quoi=5, comment ca marche=5, comment ca fonctionne=5, qui es tu=3,
            merci=3, merci beaucoup=3, demarrer=3, commencer=2, au revoir=2,
            bonne journee=2, bonne soiree=2, menu=2, commandes=3, mode d emploi=4,
            tu fais quoi=5, que fais tu=5, super merci=3, bot=3, ce bot=4, bjr=1.5,
            slt=1.5, bsr=1.5, t utiliser=4, t utilise=4, utiliser ce bot=5, t es qui=3,
            c est qui toi=3""",
    },
    UNKNOWN: {
        "en": """weather=4, forecast=4, temperature=3, temperatures=3, rain=3, rainy=3,
            raining=3, sunny=3, humid=3, hot=2, cold=2, climate=2, hotel=4, hotels=4,
            hostel=4, hostels=4, airbnb=4, accommodation=3, booking=3, book=2, reserve=3,
            reservation=3, restaurant=4, restaurants=4, food=2, eat=2, eating=2, cuisine=3,
            dish=3, dishes=3, recipe=4, recipes=4, cook=3, cooking=3, price=3, prices=3,
            cost=3, costs=3, cheap=3, cheapest=3, expensive=3, budget=2, currency=2,
            exchange rate=4, joke=4, jokes=4, funny=3, score=4, scores=4, match=2.5,
            game=2.5, football=4, soccer=4, basketball=4, sport=3, sports=3, world cup=4,
            team=2, won=2, vs=3, versus=3, movie=4, movies=4, film=3, music=3, song=3,
            songs=3, beach=3, beaches=3, things to do=4, sightseeing=4, museum=4,
            museums=4, attractions=3, best time to visit=5, nightlife=4, bars=2,
            shopping=3, population=3, inhabitants=3, people live=3, capital of=3,
            what is the capital=4, capital=1.5, do they speak=5, spoken=4, history=3,
            president=3, flag=3, time zone=4, what time=3, calculate=3, translate=3,
            poem=4, story=3, how are you=4, wifi=3, sim card=4, car rental=4,
            rent a car=4, taxi=1.5, uber=3, tip=2, tipping=3, dress code=3, adapter=4,
            plug=3, voltage=4, souvenirs=4, souvenir=4, what to visit=4, what to see=4,
            places to visit=4, best places=3, must see=4, beautiful=2, romantic=3,
            honeymoon=3, wedding=3, dating=3, girlfriend=1, boyfriend=1, pizza=4,
            coffee=3, beer=3, wine=3, stock=3, bitcoin=4, crypto=4, homework=4, math=4,
            meaning of life=4, tell me a=2, recommend=2, nice=1, best=1.5, cheap flights=5,
            flight price=5, ticket=2, tickets=2, visit the=1, economy=3, gdp=4,
            independence=3, tourist spots=4, safari=2, hiking=2, surfing=3, diving=3,
            temperature in=3, festival=3, concert=3, nba=4, election results=3, fun=2,
            how much=3, buy=2, buying=2, purchase=2, sneakers=3, shoes=3, lol=2,
            result=3, results=3, who will win=4, going to win=3, win=2, how do you say=5,
            how to say=5, what to do=4,
            things to see=4, map=3, on the map=4""",
        "fr": """meteo=4, il fait chaud=4, fait il chaud=4, chaud=2, froid=2, pluie=3,
            pleut=3, temperature=3, temperatures=3, climat=2, hotel=4, hotels=4,
            hebergement=3, logement=3, airbnb=4, auberge=3, reserver=3, reservation=3,
            restaurant=4, restaurants=4, resto=4, restos=4, manger=3, nourriture=3, plat=3,
            plats=3, cuisine=3, recette=4, recettes=4, pas cher=4, pas chere=4, cher=2,
            chere=2, prix=3, cout=3, couter=3, coute=3, tarif=3, tarifs=3, budget=2,
            taux de change=4, monnaie=2, blague=4, blagues=4, drole=3, score=4, match=3,
            foot=4, football=4, qui va gagner=4, gagner=2, coupe du monde=4, equipe=2, gagne=2,
            qui a gagne=4,
            film=3, films=3, musique=3, chanson=3, chansons=3, plage=3, plages=3,
            que faire=3, a visiter=4, quoi visiter=4, que visiter=4, musee=4, musees=4,
            meilleure periode=4, meilleur moment=4, shopping=3, population=3, habitants=4,
            capitale du=3, capitale de=3, capitale=1.5, quelle est la capitale=4,
            langue parlee=5, parle t on=5, histoire=3, president=3, drapeau=3, heure=2,
            fuseau horaire=4, calcule=3, traduis=3, traduire=3, poeme=4, ca va=3,
            comment ca va=4, wifi=3, carte sim=4, location de voiture=4,
            louer une voiture=4, taxi=1.5, pourboire=4, adaptateur=4, prise=2,
            souvenirs=3, souvenir=3, rendez vous=2, reunion=2, belles=2, belle=2,
            romantique=3, mariage=3, pizza=4, cafe=2, biere=3, vin=3, bourse=3,
            bitcoin=4, devoirs=4, maths=4, recommande=2, conseille moi=2, economie=3,
            pib=4, independance=3, safari=2, randonnee=2, plongee=3, surf=3, festival=3,
            concert=3, combien font=4, film a voir=4, vols pas chers=5, billet=2,
            billets=2, spectacle=3, danse=3, marche=1, marches=1, artisanat=3,
            quel temps=4, temps fait il=4, maquis=3, meilleur=1.5, meilleure=1.5,
            acheter=2, chaussures=3, mdr=2, ptdr=2, combien coute=4, resultat=3,
            resultats=3, comment dit on=5, comment on dit=5, sur la carte=4""",
    },
}

# Words that say nothing about the intent but mark the language.
_ENGLISH_WORDS = _set(
    """the is it its in to of and or what whats how can could would should will i im my me you
    your please there are do does did for with about this that now any from where which who
    when why am be been get need want out at an if not yes tell right going go travel still
    currently today next week some much many have has we they our them their it s safe here
    just like know really than then these those very was were while after before during
    anything something someone thanks hi hello hey north south east west city night tomorrow
    week month morning evening tonight heading anyone everyone would like"""
)
_FRENCH_WORDS = _set(
    """le la les l de des du d au aux un une est et je j tu vous nous il elle ils elles que qu
    quoi quel quelle quels quelles comment ce c ca cette ces pour avec dans sur pas ne n mon ma
    mes ton ta tes votre vos y sont peut peux puis faut aller pays merci bonjour salut svp stp
    ou quand qui mais donc ai as suis es etes sommes vais va veux voudrais moi toi lui leur
    chez vers depuis encore maintenant aujourd hui demain actuellement se s m t oui non tres
    trop plus moins bien bon bonne en si cest sont etre avoir fait faire quelqu chose aussi
    alors ici la bas voila nord sud ouest centre ville nuit demain semaine mois matin soir
    prochaine prochain bientot secours svp"""
)
# Chat and text-message shorthand, read as the word it stands for ("u" for "you", "koi" for
# "quoi"), in keywords and in the language count alike.
_SHORTHAND = {
    "u": "you",
    "r": "are",
    "ur": "your",
    "pls": "please",
    "plz": "please",
    "plse": "please",
    "thx": "thanks",
    "rn": "now",
    "koi": "quoi",
    "kel": "quel",
    "kelle": "quelle",
    "jsuis": "suis",
    "chui": "suis",
    "chuis": "suis",
    "ya": "y",
    "bcp": "beaucoup",
    "qqch": "chose",
    "qqn": "quelqu",
    "pr": "pour",
    "ds": "dans",
    "tjs": "toujours",
    "tt": "tout",
    "sa": "ca",
    "ke": "que",
    "mwa": "moi",
}
# Words as common in English as in French, which must not tip the balance.
_SHARED_WORDS = frozenset({"a", "on", "bus", "taxi", "police", "visa", "ok", "info", "stop"})

_CONTINENTS: dict[str, str] = {
    "africa": "africa",
    "afrique": "africa",
    "african": "africa",
    "africaine": "africa",
    "africains": "africa",
    "africaines": "africa",
    "sahel": "africa",
    "maghreb": "africa",
    "sub saharan africa": "africa",
    "afrique subsaharienne": "africa",
    "europe": "europe",
    "european": "europe",
    "europeens": "europe",
    "europeennes": "europe",
    "asia": "asia",
    "asie": "asia",
    "asian": "asia",
    "asiatiques": "asia",
    "americas": "americas",
    "america": "americas",
    "amerique": "americas",
    "ameriques": "americas",
    "south america": "americas",
    "latin america": "americas",
    "central america": "americas",
    "north america": "americas",
    "amerique du sud": "americas",
    "amerique latine": "americas",
    "amerique centrale": "americas",
    "amerique du nord": "americas",
    "caribbean": "americas",
    "caraibes": "americas",
    "latin american": "americas",
    "oceania": "oceania",
    "oceanie": "oceania",
    "pacific": "oceania",
    "pacifique": "oceania",
    "middle east": "middle_east",
    "moyen orient": "middle_east",
    "proche orient": "middle_east",
    "near east": "middle_east",
    "mideast": "middle_east",
}
# Small talk of travel, which asks nothing by itself: "heading to Bamako tomorrow".
_NEUTRAL = _set(
    """tell about going heading head travel travelling traveling traveled travelled trip trips
    traveler travelers traveller travellers backpacker backpacking expat expats male men man
    guy quid
    visit visiting visited next week weeks month months year years tomorrow today tonight now
    currently right soon later info infos information details status north south east west
    northern southern eastern western central center centre city cities town towns region
    regions area areas country countries part parts zone zones there here people person
    family kids children wife husband friend friends work working business mission volunteer
    volunteering humanitarian ngo project tourist tourists tourism journalist student
    students alone plan planning plans want wanted wants thinking considering moving move
    live living stay staying spend spending days day weekend holiday holidays vacation summer
    winter spring autumn christmas easter january february march april may june july august
    september october november december monday tuesday wednesday thursday friday saturday
    sunday morning afternoon evening night nights general overall latest recent recently
    lately still again also thanks thank please hello know need needs anything everything
    something worried concerned nervous scared afraid fear good bad okay fine really very
    quite think should would could might current question questions ask asking check
    checking look looking wondering wonder guess mean like just even much many more most less
    time times first last back gonna wanna get got come coming going currently safe ok okay
    yes yeah sure well soon hear heard read saw seen say says said someone somebody anyone
    everyone everybody things thing stuff nowadays these days rest whole entire place places
    team colleagues group groups tour with without around inside outside near between
    parle dis moi parler infos information informations nouvelles pars part partons partir
    vais allons va aller voyage voyager voyages voyageur voyageurs sejour visite visiter
    prochain prochaine semaine semaines mois annee annees an ans demain aujourd hui soir
    maintenant bientot actuellement moment nord sud est ouest centre ville villes region
    regions zone zones pays partie parties coin cote famille enfants femme mari ami amis amie
    travail travailler mission humanitaire ong projet touriste touristes tourisme etudiant
    etudiante seul seule prevois compte pense penser envisage demenager vivre habite
    rester passer jours jour week end vacances ete hiver printemps automne noel paques
    janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre
    lundi mardi mercredi jeudi vendredi samedi dimanche matin apres midi general globalement
    recent recemment encore aussi merci svp stp sais savoir besoin quelque chose tout tous
    toute toutes inquiet inquiete peur bien vraiment tres devrais faudrait question
    questions demander verifier voir regarder conseil aide dire sais veux voudrais
    aimerais souhaite compte groupe equipe collegues autour pres entre avec sans dedans
    dehors endroit endroits lieu lieux choses chose truc ces jours derniers derniere
    dernier quoi neuf far close deep remote rural urban countryside desert village villages
    suburbs outskirts downtown flying fly take taking bus train boat car motorbike walking two
    three couple baby parents elderly loin proche profond campagne brousse desert banlieue
    quartier avion voiture bateau moto pied deux trois bebe parents personnes agees what how
    hows please thoughts opinion opinions idea ideas advise son sons daughter daughters brother
    sister mom mum dad mother father cousin uncle aunt boyfriend girlfriend fiance partner lives
    lived wife husband colleague boss church school university internship job contract fils
    fille frere soeur maman papa mere pere cousin cousine oncle tante copain copine fiance
    fiancee collegue patron stage boulot contrat vit vivent habitent radio tele journal
    journaux says said told dit disent entendu entendre entend hear hearing week end now"""
)
# Parts of a continent asked about like one place ("is the Sahel dangerous?"): a list of
# countries only when the message asks for one.
_SUBREGIONS = frozenset({"sahel", "maghreb"})
# A question about one's own state ("what am I…", "which do I…"), not a request.
_STATE_QUESTION = frozenset({"what", "which", "quels", "quelles", "quoi", "lesquels", "list"})
_FOR_ME = frozenset({"am", "do", "my", "suis", "mes", "je"})


@dataclass(frozen=True, slots=True)
class _Phrase:
    words: tuple[str, ...]
    intent: str
    weight: float


def _parse_vocabulary() -> tuple[dict[str, list[_Phrase]], dict[str, str]]:
    """Phrases by first word, and the language of each keyword word found in one language only."""
    weights: dict[tuple[tuple[str, ...], str], float] = {}
    langs: dict[str, set[str]] = {}
    for intent, by_lang in _KEYWORDS.items():
        for lang_name, text in by_lang.items():
            for raw in text.replace("\n", " ").split(","):
                entry = raw.strip()
                if not entry:
                    continue
                phrase, _, written_weight = entry.partition("=")
                words = tuple(_keyword_form(w) for w in tokenize(phrase))
                key = (words, intent)
                # A phrase both languages use ("visa") counts once.
                weights[key] = max(weights.get(key, 0.0), float(written_weight or 2))
                for word in words:
                    langs.setdefault(word, set()).add(lang_name)
    by_first: dict[str, list[_Phrase]] = {}
    for (phrase_words, intent), weight in weights.items():
        parsed = _Phrase(phrase_words, intent, weight)
        by_first.setdefault(phrase_words[0], []).append(parsed)
    for phrases in by_first.values():
        phrases.sort(key=lambda p: (-len(p.words), p.intent))
    own = {w: next(iter(ls)) for w, ls in langs.items() if len(ls) == 1}
    return by_first, own


def _keyword_form(token: Token) -> str:
    """The word as keywords see it: folded, except that "sûr" is not the preposition "sur"."""
    if token.norm.startswith("sur") and "û" in token.text.lower():
        return "sûr" + token.norm[3:]
    return token.norm


_PHRASES, _KEYWORD_LANG = _parse_vocabulary()
_VOCABULARY = frozenset(_KEYWORD_LANG) | frozenset(
    w for ps in _PHRASES.values() for p in ps for w in p.words
)
_FRENCH_SPACING = re.compile(r"\w[ \u00a0\u202f][?!:;]")
_CONTINENT_PHRASES = {tuple(k.split()): v for k, v in _CONTINENTS.items()}
_PROTECTED = (
    _VOCABULARY
    | _ENGLISH_WORDS
    | _FRENCH_WORDS
    | frozenset(w for k in _CONTINENTS for w in k.split())
)


def vocabulary() -> frozenset[str]:
    """Every word of the intent keywords (folded)."""
    return _VOCABULARY


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _build_typo_index() -> dict[str, tuple[str, ...]]:
    index: dict[str, set[str]] = {}
    for word in _VOCABULARY:
        if len(word) < 3 or not word.isalpha():
            continue
        for key in _deletions(word) | {word}:
            index.setdefault(key, set()).add(word)
    return {k: tuple(sorted(v)) for k, v in index.items()}


_TYPOS = _build_typo_index()


_WORD_INTENTS: dict[str, frozenset[str]] = {
    phrase.words[0]: frozenset(p.intent for p in phrases if p.words == phrase.words)
    for phrases in _PHRASES.values()
    for phrase in phrases
    if len(phrase.words) == 1
}


@lru_cache(maxsize=8192)
def _correct(word: str) -> str | None:
    """The keyword one edit away from `word` (5 letters or more), if only one intent fits."""
    found: set[str] = set()
    for key in _deletions(word) | {word}:
        for candidate in _TYPOS.get(key, ()):
            if len(candidate) >= 5 and OSA.distance(word, candidate, score_cutoff=1) <= 1:
                found.add(candidate)
    if len({_WORD_INTENTS.get(w, frozenset({w})) for w in found}) != 1:
        return None  # "dangeroux" is dangereux or dangerous: both fine; "fights" is not
    return min(found)


# ---- reading a message ---------------------------------------------------------------------------


def understand(text: str, index: PlaceIndex) -> Understanding:
    """Read one message: its language, intent and destination."""
    tokens = tokenize(text)
    matches = find_places(text, index, tokens=tokens, protected=_PROTECTED)
    words = _keyword_words(tokens, _covered(matches, len(tokens)), index)
    scores, first = _score(words, _settings(tokens, words))
    if not matches and any(i in _ABOUT_A_PLACE for i in scores):
        # A question about a place whose name is an everyday word at the start: "Nice est sûre ?"
        matches = find_places(text, index, tokens=tokens, protected=_PROTECTED, lenient=True)
        if matches:
            words = _keyword_words(tokens, _covered(matches, len(tokens)), index)
            scores, first = _score(words, _settings(tokens, words))
    unexplained = _unexplained(tokens, words)
    if unexplained and not any(i != UNKNOWN for i in scores):
        # Lower case and nothing asked about it: "roast turkey" is no country.
        matches = [m for m in matches if not _everyday_word(m, tokens)]
    continent, continent_span = _continent(tokens)
    intent = _decide(
        scores,
        first,
        words,
        has_place=bool(matches),
        unexplained=unexplained,
        many=continent_span is not None
        and not {t.norm for t in tokens[continent_span[0] : continent_span[1]]} & _SUBREGIONS,
    )
    if intent == "hotspots" and matches:
        # A continent named like a country ("America"), or a place inside the continent's phrase.
        outside = [m for m in matches if not _inside(m, continent_span)]
        if outside and all(not m.fuzzy for m in outside):
            intent = "advisory"
        matches = outside if intent == "advisory" else []
    if intent == UNKNOWN:
        # Off topic, a country named by an everyday word is that word ("turkey recipe",
        # "my friend Chad") unless a preposition makes it a place ("population of Chad").
        matches = [
            m
            for m in matches
            if not (m.name.common and m.name.places[0].kind == COUNTRY)
            or after_preposition(m, tokens)
        ]
    if intent != "hotspots":
        continent = None
    choice = resolve_places(matches, tokens, leaving=intent == "departure") if matches else None
    lang = _language(text, tokens, _covered(matches, len(tokens)), choice, matches)
    if choice is None:
        return Understanding(text, lang, intent, None, None, None, (), 0.0, continent)
    return Understanding(
        text,
        lang,
        intent,
        choice.country,
        choice.region,
        choice.place,
        choice.candidates,
        choice.score,
        continent,
    )


def _everyday_word(match: PlaceMatch, tokens: Sequence[Token]) -> bool:
    """A country named by an everyday word, written in lower case with no preposition."""
    return (
        match.name.common
        and not tokens[match.start].capitalised
        and not after_preposition(match, tokens)
    )


@lru_cache(maxsize=8192)
def _near_keyword(word: str) -> bool:
    """Whether a word is one edit from a keyword: a typo of ours, even when too short to fix."""
    if len(word) < 4:
        return False
    return any(
        OSA.distance(word, candidate, score_cutoff=1) <= 1
        for key in _deletions(word) | {word}
        for candidate in _TYPOS.get(key, ())
    )


def _unexplained(tokens: Sequence[Token], words: list[str]) -> int:
    """How many words are neither places, keywords, function words nor small talk of travel."""
    count = 0
    for token, word in zip(tokens, words, strict=True):
        if not word or len(word) < 3 or not word.isalpha() or word in _PROTECTED:
            continue
        if token.capitalised:
            continue  # a name: a town we do not know, an airline, a person
        if word in _NEUTRAL or token.norm in _NEUTRAL or _near_keyword(word):
            continue
        count += 1
    return count


def _covered(matches: Sequence[PlaceMatch], size: int) -> list[bool]:
    covered = [False] * size
    for match in matches:
        for k in range(match.start, match.end):
            covered[k] = True
    return covered


def _inside(match: PlaceMatch, span: tuple[int, int] | None) -> bool:
    return span is not None and span[0] <= match.start and match.end <= span[1]


def _keyword_words(tokens: Sequence[Token], in_place: list[bool], index: PlaceIndex) -> list[str]:
    """Each word in keyword form, typos corrected; "" for the words of a place."""
    words: list[str] = []
    last = len(tokens) - 1
    for k, token in enumerate(tokens):
        if in_place[k]:
            words.append("")
            continue
        word = _keyword_form(token)
        word = _SHORTHAND.get(word, word)
        if word == "sur" and k == last:
            # "c'est sur ?" written without its accent: at the end it can only be "sûr".
            word = "sûr"
        if (
            len(word) >= 5
            and word not in _PROTECTED
            and word not in index.common_words
            and word.isalpha()
        ):
            word = _correct(word) or word
        words.append(word)
    return words


# Verbs of reported speech: "the embassy said I need a visa" asks about the visa, not the
# embassy, so a keyword right before one (pronouns and "a" allowed between) is not counted.
_REPORTING = frozenset({"said", "says", "told", "tells", "dit", "disent", "dire", "disait"})
_REPORTING_GAP = frozenset({"me", "us", "them", "him", "her", "m", "nous", "a", "ont", "leur"})


# A noun before one of these names a neighbourhood ("the airport area", "hospital district"):
# where a question is about, not a request of its own (danger words keep their sense).
_AREAS = _set("area areas district districts neighbourhood neighborhood neighbourhoods")


def _reported(words: list[str], end: int) -> bool:
    """Whether a verb of reported speech follows the words that end at `end`."""
    for word in words[end : end + 3]:
        if word in _REPORTING:
            return True
        if word not in _REPORTING_GAP:
            return False
    return False


# Out-of-scope words that are also where a traveller is: after a preposition of place ("near
# my hotel", "from the hotel", "à l'hôtel") they set the scene and ask nothing.
_SETTINGS = _set(
    """hotel hotels hostel hostels restaurant restaurants resto beach plage museum musee bar bars
    airbnb auberge maquis market marche mall"""
)
_SETTING_PREPOSITIONS = _set(
    """in at from near inside outside into around behind opposite by à depuis dans pres devant
    derriere vers chez"""
)
_SETTING_DETERMINERS = _set("the my our this that a l le la les mon ma notre cet cette de du d")


def _settings(tokens: Sequence[Token], words: list[str]) -> frozenset[int]:
    """Positions of out-of-scope words that only say where the traveller is."""
    found: set[int] = set()
    for k, word in enumerate(words):
        if word not in _SETTINGS:
            continue
        j = k - 1
        while j >= 0 and words[j] in _SETTING_DETERMINERS and tokens[j].text.lower() != "à":
            j -= 1
        if j >= 0:
            before = "à" if tokens[j].text.lower() == "à" else words[j]
            if before in _SETTING_PREPOSITIONS:
                found.add(k)
    return frozenset(found)


def _score(
    words: list[str], settings: frozenset[int] = frozenset()
) -> tuple[dict[str, float], dict[str, int]]:
    """Intent scores from the longest keyword phrases, and where each intent first appears."""
    scores: dict[str, float] = {}
    first: dict[str, int] = {}
    k = 0
    while k < len(words):
        phrases = _PHRASES.get(words[k])
        taken = 1
        if phrases:
            for phrase in phrases:
                n = len(phrase.words)
                if tuple(words[k : k + n]) == phrase.words:
                    if _reported(words, k + n):
                        taken = n
                        break
                    area = k + n < len(words) and words[k + n] in _AREAS
                    for same in phrases:
                        if same.intent == UNKNOWN and k in settings:
                            continue
                        if area and same.intent != "advisory":
                            continue
                        if same.words == phrase.words:
                            scores[same.intent] = scores.get(same.intent, 0.0) + same.weight
                            first.setdefault(same.intent, k)
                    taken = n
                    break
        k += taken
    return scores, first


# Intents about the destination itself: when a message asks two of these, the first one asked
# is the question ("is it safe, and do I need a visa?").
_TOPICS = frozenset({"advisory", "health", "entry", "departure", "contacts"})
_ABOUT_A_PLACE = _TOPICS | {"subscribe", "unsubscribe"}
_MANY_PLACES = frozenset({"countries", "destinations", "places", "regions", "zones"})


def _decide(
    scores: dict[str, float],
    first: dict[str, int],
    words: list[str],
    *,
    has_place: bool,
    unexplained: int,
    many: bool = False,
) -> str:
    """The intent: the best in-scope score unless an out-of-scope topic weighs as much.

    A place alone asks for its advice; a place with words that are none of ours ("Mali
    economy", "Timbuktu manuscripts") is some other topic. Danger asked about several places
    (`many`: a continent is named) is the hotspots list.
    """
    outside = scores.get(UNKNOWN, 0.0)
    ranked = sorted(
        (s, -_TIE_ORDER.index(i), i) for i, s in scores.items() if i != UNKNOWN and s > 0
    )
    if not ranked:
        return "advisory" if has_place and outside == 0 and not unexplained else UNKNOWN
    best_score, _, best = ranked[-1]
    present = set(words)
    if (
        best in ("subscribe", "unsubscribe")
        and "subscriptions" in scores
        and present & _STATE_QUESTION
        and present & _FOR_ME
    ):
        best, best_score = "subscriptions", max(best_score, scores["subscriptions"])
    if best == "help" and has_place:
        # A greeting before a question about a place is still that question.
        others = [r for r in ranked if r[2] != "help"]
        if others:
            best_score, _, best = others[-1]
        elif best_score <= 1:
            best, best_score = "advisory", 1.0
    if best in _TOPICS:
        strong = [i for i in _TOPICS if scores.get(i, 0.0) >= max(2.5, 0.6 * best_score)]
        if len(strong) > 1:
            best = min(strong, key=lambda i: first[i])
            best_score = max(best_score, scores[best])
    if best == "advisory" and not has_place:
        if many or present & _MANY_PLACES or _plural_pays(words):
            best = "hotspots"
        elif best_score < 2:
            return UNKNOWN  # "go to the market": nothing asked about safety
    elif best in _TOPICS and not has_place and best_score < 2 and unexplained:
        return UNKNOWN  # "my cat is so cute": a weak cue among words of another topic
    if outside >= best_score:
        return UNKNOWN
    return best


def _plural_pays(words: list[str]) -> bool:
    """Whether "pays" is plural here ("quels pays", "les pays"), French having one form."""
    return any(
        w == "pays" and k > 0 and words[k - 1] in ("quels", "les", "des", "ces", "aux")
        for k, w in enumerate(words)
    )


def _continent(tokens: Sequence[Token]) -> tuple[str | None, tuple[int, int] | None]:
    norms = [t.norm for t in tokens]
    for size in (3, 2, 1):
        for start in range(len(norms) - size + 1):
            found = _CONTINENT_PHRASES.get(tuple(norms[start : start + size]))
            if found:
                return found, (start, start + size)
    return None, None


def _language(
    text: str,
    tokens: Sequence[Token],
    in_place: list[bool],
    choice: PlaceChoice | None,
    matches: Sequence[PlaceMatch],
) -> str:
    """en or fr, from function words, keywords, accents and elisions; ties go to English."""
    english = french = 0.0
    strong_french = False
    others = 0
    for k, token in enumerate(tokens):
        if in_place[k]:
            continue
        word = _SHORTHAND.get(token.norm, token.norm)
        if token.text.isdigit():
            continue
        others += 1
        if token.elided:
            french += 1.5
            strong_french = True
            continue
        if token.clitic:
            english += 1.5
            continue
        if token.accented:
            french += 1
            strong_french = True
        if word in _SHARED_WORDS:
            continue
        if word in _ENGLISH_WORDS:
            english += 1
        if word in _FRENCH_WORDS:
            french += 1
        own = _KEYWORD_LANG.get(_keyword_form(token))
        if own == "en" and word not in _ENGLISH_WORDS:
            english += 0.75
        elif own == "fr" and word not in _FRENCH_WORDS:
            french += 0.75
    if others == 0 and choice is not None:
        # Only a place: its own language form decides ("Égypte", "Tombouctou"), or accents
        # English does not write ("Corée").
        accented = any(tokens[k].accented for k in range(len(tokens)) if in_place[k])
        if choice.lang == LANG_FR or (accented and choice.english_ascii):
            return "fr"
        if choice.lang & LANG_EN:
            return "en"
        return "fr" if accented else "en"
    if _FRENCH_SPACING.search(text):
        # French typography puts a space before "?", "!", ":" and ";".
        french += 0.5
        strong_french = True
    for match in matches:
        if match.name.lang == LANG_FR:
            french += 0.5
        elif match.name.lang == LANG_EN:
            english += 0.5
        if match.name.english_ascii and any(
            tokens[k].accented for k in range(match.start, match.end)
        ):
            french += 0.5
            strong_french = True
    if french > english or (french == english and strong_french):
        return "fr"
    return "en"
