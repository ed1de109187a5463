"""School-subject vocabularies used by the local topic model."""

from __future__ import annotations

LEXICON_VERSION = "4"

# Per subject and language, whitespace-separated terms: a folded word (lowercase, no accents), ``stem*``
# for any word starting with ``stem``, or ``two_words`` for a phrase. A ``:n`` suffix sets the weight:
# 3 for terms that all but name the subject, 2 (the default) for typical vocabulary, 1 for words that
# also turn up in other subjects, and below 1 for everyday words that only lean one way (``each``, ``read``,
# ``story``): they break ties and fill the alternatives without outvoting the subject's own words.
LEXICON: dict[str, dict[str, str]] = {
    "mathematics": {
        "en": """
            math* arithmetic:3 algebra*:3 geometr*:3 fraction*:3 numerator:3 denominator:3 decimal*:3 percent*:2
            multipl*:3 divid*:2 division:3 divisor:3 quotient:3 subtract*:3 addition:2 sum:1 product:1 difference:1
            equation*:3 inequalit*:3 variable*:2 coefficient*:3 polynomial*:3 integer*:3 prime_number*:3
            square_root*:3 triangle*:2 rectangle*:2 circle*:1 perimeter:3 area:1 volume:1 angle*:2 degree*:1
            right_angle*:3 parallel:1 perpendicular:3 diameter:2 radius:2 circumference:3 hypotenuse:3 pythagor*:3
            theorem*:3 calculat*:2 solve:1 graph*:1 axis:1 coordinate*:2 probabilit*:3 statistic*:2 mean:1
            median:2 average:1 ratio*:2 proportion*:2 times_table:3 times_tables:3 number_line:3
            even_number*:3 odd_number*:3
            digit:2 digits:2 place_value:3 rounding:2 estimate:1 symmetr*:2 polygon*:3 hexagon*:2 quadrilateral*:3
            cube*:1 cylinder*:2 formula*:1 multiple*:2 factor:1 factors:2 factorise:3 exponent*:3
            squared:2 cubed:2 simplify:2
            centimet* millimet* kilogram*:1 measur*:1 units:1 tens:1 plus:1 minus:2
            equals:2 total:1 half:1 quarter:1 number*:1 count:1 counting:2 sequence*:1 pattern*:1 function*:1 slope:2
            word_problem*:3 number_sentence*:3 number_bond*:3 how_many:1 how_much:1 how_many_more:2 how_much_more:2
            altogether:2 in_total:2 left_over:2 are_left:2 is_left:2 each:0.3 every:0.3 equally:2 equal_groups:3
            equal_parts:2 share:0.5 shared:0.5 shares:0.5 twice:1 double:1 doubles:1.5 halve:2 halves:1.5 thirds:1.5
            dozen:2 more_than:0.5 fewer:1.5 fewer_than:2 less_than:1 greater_than:2 smaller_than:1 cost:1 costs:1.5
            price*:1 buys:1 bought:0.5 spend:1 spent:1 sells:0.5 sold:0.5 cheaper:1.5 dearer:1.5 change:0.3
            give_change:2 money:1 coin:2 coins:2 pence:2 cents:1.5 euro:1 euros:1.5 pounds:0.5 rows:1 row:0.5
            groups:0.5 packs:1 packets:1 boxes:0.5 kg:1 cm:1 mm:1 ml:1 litre*:1 liter:1 liters:1 gram:1 grams:1
            metre*:1 meter*:1
            kilometre*:0.5 weigh*:1 heavier:1 lighter:0.5 longer_than:1 shorter_than:1 o_clock:2 half_past:2
            quarter_past:2 quarter_to:2 minutes:0.5 hours:0.5 clock:1 calendar:0.5 work_out:1 working_out:1
            problem*:0.5 count_on:2 count_back:2 tally:2 pictogram*:2 bar_chart*:2 times:0.5 lots_of:1 groups_of:2
            shape*:0.5 square*:1 rectangle:1 cuboid*:3 sphere*:1 pyramid*:0.5 vertices:3 edges:1 faces:1 sides:1
            corners:1 ruler:1 protractor*:3
            """,
        "fr": """
            math* arithmetique:3 algebr*:3 geometr*:3 fraction*:3 numerateur:3 denominateur:3 decimal*:3
            pourcentage*:2 multipli*:3 divis*:2 quotient:3 soustraction*:3 soustrai*:3 addition*:2 additionne*:3
            somme:1 produit:1 difference:1 equation*:3 inequation*:3 inconnue*:2 variable*:2 coefficient*:3
            polynome*:3 entier*:1 nombre*:1 nombres_premiers:3 racine_carree:3 triangle*:2 rectangle*:2 cercle*:1
            perimetre*:3 aire*:2 volume*:1 angle*:2 degre*:1 angle_droit:3 paralleles:1 perpendiculaire*:3
            diametre*:2 rayon:1 hypotenuse:3 pythagore:3 theoreme*:3 thales:3 calcul*:2 resou*:1 resolvez:2
            graphique*:1 abscisse*:3 ordonnee*:3 repere:2 coordonnee*:2 probabilit*:3 statistique*:2 moyenne*:1
            mediane:2 proportionnal*:3 tables_de_multiplication:3 droite_graduee:3 pair*:1 impair*:2 chiffre*:2
            unites:1 dizaine*:3 centaine*:3 millier*:2 arrondi*:2 symetri*:2 polygone*:3 hexagone*:1
            quadrilatere*:3 cube*:1 cylindre*:2 formule*:1 multiple*:2 diviseur*:3 puissance*:1 carre:1
            simplifi*:2 centimetre*:1 millimetre*:1 kilogramme*:1 mesure*:1 egal:1 egale:1 egaux:1 resultat*:1 moitie:1
            quart:1 fonction*:1 operation*:2 posee*:1 retenue*:3 denombr*:3 suite*:1 pente:1 segment*:2
            probleme*:1 combien:1.5 en_tout:2 au_total:2 reste:0.5 reste_t_il:2 restent:1 chacun:0.5 chacune:0.5
            chaque:0.3 partage*:1 equitablement:2 parts_egales:3 double:1 triple:1.5 tiers:1.5 de_plus_que:1.5
            de_moins_que:1.5 plus_grand_que:1.5 plus_petit_que:1.5 prix:1 coute:1.5 coutent:1.5 achete*:1 paye*:0.5
            depense*:1
            vend:0.5 vendre:0.5 vendu:0.5 monnaie:1.5 rendre_la_monnaie:3 argent:1 piece*:0.5 euro:1 euros:1.5
            centimes:2 rangee*:1
            paquet*:0.5 boite*:0.5 douzaine*:2 kg:1 cm:1 mm:1 litre*:1 gramme*:1 metre*:1 pese*:1 lourd:0.5 heure:0.5
            heures:0.5
            minute*:0.5 horloge:1 calendrier:0.5 additionner:2 soustraire:2 multiplier:2 diviser:2 calcule:2
            calculer:2 compte:0.5 compter:1 tableau:0.3 fois:0.5 forme*:0.3 carre*:1 pave*:2 sphere*:1 sommet*:1
            faces:1 cotes:0.5 regle:0.5 equerre:3 compas:3 rapporteur:2 le_double:2 la_moitie:2
            """,
        "nl": """
            wiskunde:3 rekenen:3 reken*:2 algebra:3 meetkunde:3 breuk*:3 teller:2 noemer*:3 kommagetal*:3
            decimal*:2 procent*:2 vermenigvuldig*:3 keersom*:3 deling*:2 deelsom*:3 delen:1 gedeeld:3 quotient:3
            aftrek*:3 optel*:3 som:1 sommen:2 product:1 verschil:1 vergelijking*:3 ongelijkheid*:2 onbekende:2
            variabele*:2 coefficient*:3 veelterm*:3 geheel_getal:3 gehele_getallen:3 priemgetal*:3 wortel*:1
            driehoek*:2 rechthoek*:2 cirkel*:1 omtrek:2 oppervlakte:2 inhoud:1 hoek*:1 graden:1 rechte_hoek:3
            evenwijdig*:2 loodrecht*:3 diameter:2 straal:1 schuine_zijde:3 pythagoras:3 stelling*:1 bereken*:3
            los_op:1 grafiek*:1 assenstelsel:3 coordinat*:2 kans*:1 kansberekening:3 statistiek*:2 gemiddelde*:1
            mediaan:2 verhouding*:2 tafels:2 tafel_van:3 getallenlijn:3 even_getal*:3 oneven:2 cijfer*:1
            eenheden:1 tiental*:3 honderdtal*:3 duizendtal*:3 afronden:2 schatten:1 symmetr*:2 veelhoek*:3
            zeshoek*:2 vierhoek*:3 kubus*:1 cilinder*:2 formule*:1 veelvoud*:3 deler*:2 macht*:1 kwadraat*:3
            vereenvoudig*:2 centimeter*:1 millimeter*:1 kilogram*:1 meten:1 gelijk:1 uitkomst*:2 helft:1
            kwart:1 getal*:1 functie*:1 hellingsgetal:3 lijnstuk*:2 plus:1 min:1 keer:1
            verhaaltjessom*:3 redactiesom*:3 hoeveel:1.5 in_totaal:2 totaal:1 samen:0.3 overhouden:2 blijft_over:2
            blijven_over:2 houdt_over:2 elk:0.3 elke:0.3 ieder:0.3 iedere:0.3 verdeel*:1.5 eerlijk_verdelen:3 dubbel:1
            twee_keer_zoveel:3 de_helft:2 derde:0.5 dozijn:2 meer_dan:0.5 minder_dan:1 groter_dan:1.5 kleiner_dan:1.5
            prijs:1 kost:1.5 kosten:1 koopt:1 kocht:0.5 betaalt:1 betaald:0.5 geld:1 euro:1.5 cent:1.5 wisselgeld:3
            terugkrijgen:1.5 munt*:1 rijen:1 rij:0.5 groepjes:0.5 zakjes:0.5 doosjes:0.5 dozen:0.5 kg:1 cm:1 mm:1
            liter:1 gram:1 meter:1 wegen:0.5 weegt:1 zwaarder:1 lichter:0.5 uur:0.5 minuten:0.5 klok:1 kalender:0.5
            kwart_over:2 kwart_voor:2 uitrekenen:2 reken_uit:2 tellen:1 tel:0.5 tabel:0.5 staafgrafiek*:3 vorm*:0.3
            vierkant*:1 balk*:0.5 bol:0.5 hoekpunt*:3 zijden:1 liniaal:1 geodriehoek*:3 passer:2
            """,
        "de": """
            mathe*:3 rechnen:3 algebra:3 geometrie:3 bruch:3 bruche:3 bruchrechnung:3 zahler:2 nenner:3
            multiplikation:3 division:3 subtraktion:3 addition:2 gleichung*:3 dreieck*:2 rechteck*:2 umfang:2
            flacheninhalt:3 winkel:2 prozent*:2 berechne*:3 ergebnis:1 einmaleins:3 zahlen*:1 summe:1
            sachaufgabe*:3 textaufgabe*:3 wie_viel:1.5 wie_viele:1.5 wieviel:1.5 wieviele:1.5 insgesamt:2 zusammen:0.3
            ubrig:2 bleiben:0.5 bleibt:0.5 jeder:0.3 jede:0.3 jedes:0.3 verteilt:1.5 verteilen:1.5 teilen:1 halfte:1
            doppelt:1 doppelte:1 preis:1 kostet:1.5 kosten:1 kauft:1 bezahlt:1 geld:1 euro:1.5 cent:1.5 ruckgeld:3
            wechselgeld:3 reihe*:1 plus:1 minus:1 geteilt:2 mal_so:1 rechne:2 rechnet:2 zahl:1 uhr:0.5 minuten:0.5
            liter:1 gramm:1 meter:1 kilogramm:1 zentimeter:1 kg:1 cm:1 mehr_als:0.5 weniger_als:1 aufgabe:0.5
            aufgaben:0.5 quadrat:1 kreis:0.5 wurfel:1 lineal:1
            """,
        "es": """
            matematica*:3 aritmetica:3 algebra:3 geometria:3 fraccion*:3 numerador:3 denominador:3
            multiplicacion*:3 division*:2 resta*:2 suma*:1 ecuacion*:3 triangulo*:2 rectangulo*:2 perimetro:3
            area:1 angulo*:2 porcentaje*:2 calcula*:2 resultado:1 numeros:1
            problema*:0.5 cuantos:1.5 cuantas:1.5 cuanto:1.5 cuanta:1 en_total:2 quedan:1.5 queda:0.5 sobran:2
            cada:0.3 reparte*:1.5 repartir:1.5 mitad:1 doble:1 triple:1 cuesta*:1.5 cuestan:1.5 precio*:1 paga*:0.5
            compra*:1 vende*:0.5 dinero:1 euros:1.5 centimos:2 cambio:0.3 filas:1 fila:0.5 grupos:0.5 cajas:0.5
            docena*:2 kg:1 cm:1 metros:1 litros:1 gramos:1 kilos:1 horas:0.5 minutos:0.5 reloj:1 mas_que:0.5
            menos_que:1 numero*:1 operacion*:2 sumar:2 restar:2 multiplica*:3 divide*:2 dividir:2 calcular:2
            cuenta*:0.5 cuadrado*:1 circulo*:1 regla:0.5 tabla:0.3 veces:0.5
            """,
    },
    "science": {
        "en": """
            science*:3 scientist*:2 biolog*:3 chemi*:3 physic*:3 experiment*:3 hypothes*:3 observ*:1
            laborator*:3 cell:1 cells:2 organism*:3 photosynthes*:3 plant*:1 roots:1 leaves:1 seed*:1 flower*:1
            animal*:1 mammal*:3 reptile*:3 amphibian*:3 insect*:2 habitat*:2 food_chain*:3 predator*:2 prey:2
            ecosystem*:3 skeleton*:2 muscle*:1 organs:1 heart:1 lungs:2 digest*:3 blood:1 nutrient*:2 bacteria:3
            virus*:2 germs:2 genes:1 genetic*:2 dna:3 evolution:2 atom*:3 molecule*:3 element*:1 compound*:2 reaction*:2
            acid*:2 solution*:1 dissolve*:3 mixture*:2 evaporat*:3 condens*:3 melting:2 freezing:2 boiling:2
            solid*:2 liquid*:2 gas:1 gases:2 states_of_matter:3 force*:1 gravity:3 friction:3 magnet*:3
            electric*:2 circuit*:2 battery:2 current:1 energy:2 light:1 sound:1 vibration*:2 temperature*:1.5
            thermometer*:2 heat:1 planet*:1 solar_system:3 microscope*:3 materials:1 fossil*:2 life_cycle:3
            caterpillar*:2 butterfl*:1 germinat*:3 oxygen:3 carbon_dioxide:3 water_cycle:2 weather:1 mass:1
            density:3 speed:1 velocity:3 newton*:2 joule*:3 volt*:2 nature:1 living_things:3 senses:1
            observe:1.5 observation*:2 predict*:1.5 what_happens:1 what_will_happen:1.5 investigat*:1.5 fair_test:3
            results:0.5 conclusion*:1 candle*:1.5 jar:1 glass_jar:2 air:1 balloon*:1 static:2 static_electricity:3
            ice:1 ice_cube*:2 melt*:2 freez*:2 frozen:1 water_vapour:3 steam:1 seeds:1.5 grow:1 grows:1 growing:1
            soil:1.5 float*:2 sink:1.5 sinks:1.5 shadow*:2 reflect*:1 mirror*:1 torch*:1 sunlight:1 transparent:2
            opaque:3 translucent:3 waterproof:2 absorb*:2 insulator*:3 conductor*:1 magnetic:3 attract*:1 repel*:2
            push*:0.5 pull*:0.5 ramp:1 vinegar:1.5 bicarbonate:2 baking_soda:2 bubbles:1 salt:0.5 sugar:0.5 mix:0.5
            filter*:1.5 sieve:1 moon:1 sun:0.5 earth:0.5 seasons:1 day_and_night:2 teeth:1.5 tooth:1 bones:1.5
            body:0.5 healthy:1 diet:1 nutrition:2 minibeast*:3 worm*:1 snail*:1 tadpole*:2 frog*:1 hatch*:1.5 eggs:0.5
            cloud*:1 rain:0.5 wind:0.5 smell:1 taste:1 touch:0.5 sight:1 hearing:1 magnifying_glass*:3 magnifier:3
            pipette*:3 beaker*:3 test_tube*:3 rust:1 rock:1 rocks:1 soils:2
            """,
        "fr": """
            science*:3 scientifique*:2 biolog*:3 chimi*:3 physique*:2 experience*:2 experimentation:3
            hypothese*:3 observ*:1 laborato*:3 cellule*:2 organisme*:3 photosynthese:3 plante*:1 racine*:1
             graine*:2 fleur*:1 animaux:1 animal:1 mammifere*:3 reptile*:3 amphibien*:3 insecte*:2
            habitat*:2 chaine_alimentaire:3 predateur*:2 proie*:2 ecosysteme*:3 squelette*:2 muscle*:1 organe*:1
             poumon*:2 digesti*:3 sang:1 nutriment*:2 bacterie*:3 virus:2 microbe*:2 genetique*:2 adn:3
            evolution:1 atome*:3 molecule*:3 element*:1 reaction*:1 acide*:2 dissou*:3 melange*:1 evapor*:3
            condens*:3 fusion:2 solidification:3 ebullition:3 solide*:2 liquide*:2 gaz:2 etats_de_la_matiere:3
            force*:1 gravit*:3 pesanteur:3 frottement*:3 aimant*:3 magnet*:2 electri*:2 circuit*:2 pile*:1
            ampoule*:2 courant:1 energie*:2 lumiere:1.5 vibration*:2 temperature*:1 thermometre*:2
            chaleur:1 planete*:1 systeme_solaire:3 microscope*:3 materiau*:1 fossile*:2
            cycle_de_vie:3 chenille*:2 papillon*:1 germination:3 oxygene:3 dioxyde_de_carbone:3 cycle_de_l_eau:2
            masse:1 densite:3 vitesse:1 vivant*:1 etres_vivants:3 respiration:2 vertebre*:3 svt:3
            experiment*:3 observation*:2 prevoir:1 prevois:1.5 prediction*:2 que_se_passe:1 que_va_t_il:1 enquete:0.5
            demarche_scientifique:3 conclusion*:1 resultats:0.5 bougie*:1.5 bocal*:2 verre:0.5 air:0.5 baudruche:2
            electricite_statique:3 statique:2 glace:1 glacon*:2 fondre:2 fond:0.5 fondu*:1 geler:2 gele*:1 congel*:2
            vapeur:1.5 vapeur_d_eau:3 germer:3 germe*:2 pousse*:1 pousser:1 grandir:0.5 terreau:2 terre:0.5 flotte*:2
            flotter:2 coule:1 couler:1.5 ombres:1.5 reflet*:1 miroir*:1 lampe_de_poche:2 lampe_torche:2 soleil:0.5
            lune:1 saisons:1 jour_et_nuit:2 transparent*:2 opaque*:3 translucide*:3 impermeable*:2 absorb*:2
            isolant*:2 conducteur*:1.5 attire*:1 repousse*:1.5 vinaigre:1.5 bicarbonate:2 bulles:1 sel:0.5 sucre:0.5
            filtr*:1.5 dents:1.5 corps_humain:3 sante:1 alimentation:1.5 escargot*:1 ver_de_terre:2 vers_de_terre:2
            tetard*:2 grenouille*:1 eclo*:1.5 oeufs:0.5 nuage*:1 pluie:0.5 vent:0.5 odorat:2 gout:1 ouie:2 toucher:0.5
            loupe:3 pipette*:3 becher*:3 tube_a_essai:3 tubes_a_essai:3 rouille:1 roche*:1 cinq_sens:3 vivant:1
            vegetal*:1 vegetaux:1
            """,
        "nl": """
            natuurkunde:3 scheikunde:3 biologie:3 wetenschap*:3 wetenschapper*:2 natuur:1 natuuronderwijs:3
            wereldorientatie:1 proef:2 proefje:3 experiment*:3 hypothese*:3 waarneming*:2 waarnemen:2
            laboratorium:3 cel:1 cellen:2 organisme*:3 fotosynthese:3 plant*:1 wortel*:1 blad:1 bladeren:1
            zaad:2 zaden:2 bloem*:1 dier*:1 zoogdier*:3 reptiel*:3 amfibie*:3 insect*:2 leefgebied*:2
            voedselketen*:3 roofdier*:2 prooi*:2 ecosysteem*:3 skelet*:2 spier*:1 orgaan:1 organen:1 hart:1
            longen:2 spijsvertering:3 bloed:1 voedingsstof*:2 bacterie*:3 virus*:2 genen:1 genetisch*:2 dna:3 evolutie:1
            atoom:3 atomen:3 molecu*:3 element*:1 reactie*:1 zuur:1 oplossen:2 oplossing*:1 mengsel*:2
            verdamp*:3 condens*:3 smelten:2 bevriezen:2 koken:1 vaste_stof*:3 vloeistof*:2 gas:1 gassen:2
            aggregatietoestand*:3 kracht*:1 zwaartekracht:3 wrijving:3 magne*:3 elektri*:2 stroomkring*:3
            batterij*:2 lampje*:2 stroom:1 energie:2 licht:1 geluid:1 trilling*:2 temperatuur*:1 thermometer*:2
            warmte:1 planeet:1 planeten:1 zonnestelsel:3 microscoop:3 materiaal:1 materialen:1 fossiel*:2
            levenscyclus:3 rups*:2 vlinder*:1 kiemen:3 zuurstof:3 koolstofdioxide:3 koolzuurgas:3 massa:1
            dichtheid:3 snelheid:1 levende_wezens:3 zintuig*:2 ademhaling:2 gewervelde*:3
            voorspel*:1.5 voorspelling*:2 wat_gebeurt_er:1 onderzoek*:1 onderzoeksvraag:3 conclusie*:1 resultaten:0.5
            kaars*:1.5 glazen_pot:2 jampot*:2 potje:0.5 lucht:1 ballon*:1 statische_elektriciteit:3 statisch*:1.5
            ijs:1 ijsblok*:2 smelt*:2 bevries*:2 vriezen:1.5 bevroren:1 waterdamp:3 stoom:1 zaadje*:2 ontkiem*:3
            groei*:1 potgrond:2 aarde:0.5 drijv*:1.5 drijft:1.5 zinkt:1.5 zinken:1.5 schaduw*:2 weerkaats*:2
            spiegel*:1 zaklamp*:2 zonlicht:1 zon:0.5 maan:1 seizoen*:1 dag_en_nacht:2 doorzichtig:2 ondoorzichtig:3
            waterdicht:2 isolat*:1.5 geleider*:2 geleidt:2 aantrekken:1 aantrekt:1 afstoten:1.5 azijn:1.5 bakpoeder:1.5
            zuiveringszout:2 suiker:0.5 zout:0.5 filter*:1.5 zeef:1 tanden:1.5 botten:1.5 lichaam:1 gezond*:1
            voeding:1.5 slak:1 slakken:1 regenworm*:2 kikkervisje*:2 kikker*:1 uitkomen:1 eieren:0.5 wolk*:1 regen:0.5
            wind:0.5 ruiken:1 proeven:1 voelen:0.5 loep:3 vergrootglas:3 pipet*:3 reageerbuis*:3 roest:1 gesteente*:2
            vijf_zintuigen:3 natuur_en_techniek:3
            """,
        "de": """
            naturwissenschaft*:3 biologie:3 chemie:3 physik:3 experiment*:3 versuch*:2 zelle*:2 pflanze*:1
            tiere:1 saugetier*:3 photosynthese:3 energie:2 magnet*:3 strom:1 atom*:3 molekul*:3 schwerkraft:3
            beobacht*:2 vermut*:1.5 vermutung:2 was_passiert:1 ergebnis:0.5 kerze*:1.5 glas:0.5 luft:1 luftballon*:1.5
            ballon:1 statisch*:2 eis:1 eiswurfel:2 schmelz*:2 gefrier*:2 verdunst*:3 wasserdampf:2 keimen:3 keimt:3
            wachsen:1 wachst:1 magnetisch:3 schwimmt:0.5 sinkt:1.5 temperatur*:1.5 thermometer:2 licht:1 schatten:2
            spiegel:1 wasser:0.5 wetter:1 forscher*:2 natur:1 sachunterricht:2 korper:1 zahne:1.5 knochen:1.5
            insekt*:2 raupe:2 schmetterling*:1.5 wurzel*:1 blatter:1 blute*:1.5 sonne:0.5 mond:1 erde:0.5 erhitzen:2
            flussig*:2 gas:1 lupe:3 reagenzglas:3 stromkreis:3 batterie:2 lampe:1
            """,
        "es": """
            ciencia*:3 biologia:3 quimica:3 fisica:2 experimento*:3 hipotesis:3 celula*:2 planta*:1 animales:1
            mamifero*:3 fotosintesis:3 energia:2 iman*:2 atomo*:3 molecula*:3 gravedad:3
            observa*:2 predice*:1.5 prediccion*:2 que_pasa:1 que_ocurre:1 conclusion*:1 resultados:0.5 vela:1 velas:1
            frasco*:1.5
            vaso:0.5 aire:1 globo*:1 electricidad_estatica:3 estatica:2 hielo:1.5 cubito*:1.5 derrit*:2 congel*:2
            evapora*:3 vapor:1.5 semilla*:2 germina*:3 crece*:1 crecer:1 tierra:0.5 flota*:2 hunde*:1.5
            temperatura*:1.5 termometro*:2 luz:1 sombra*:1.5 espejo*:1 linterna*:1.5 sol:0.3 luna:1 estaciones:1
            transparente*:2 opaco*:3 vinagre:1.5 bicarbonato:2 azucar:0.5 sal:0.3 dientes:1.5 huesos:1.5
            cuerpo_humano:3 salud:1 alimentacion:1.5 caracol*:1 gusano*:1 renacuajo*:2 rana:1 ranas:1 huevo*:0.5
            nube*:1 lluvia:0.5 viento:0.5 lupa:3 pipeta*:3 probeta*:3 materiales:1 mezcla*:1.5 disuelve*:2 disolver:2
            naturaleza:1 seres_vivos:3 raices:1 hojas:1 flores:1 fuerza*:1 electricidad:2 insecto*:2
            """,
    },
    "history": {
        "en": """
            history:3 historian*:3 historic*:2 century:2 centuries:2 ancient:2 medieval:3 middle_ages:3
            prehistor*:3 stone_age:3 bronze_age:3 iron_age:3 romans:3 roman_empire:3 emperor*:3 empire*:2
            pharaoh*:3 egyptians:2 greeks:1 vikings:3 knight*:3 castle*:2 feudal:3 king*:1 queen*:1 reign*:3
            monarch*:3 dynasty:3 crown*:1 revolution*:3 war:2 wars:2 world_war:3 battle*:2 treaty:3 army:1
            soldier*:2 invasion*:2 conquer*:2 colonies:2 colonial*:2 colonist*:2 independence:2
            slavery:3 abolition:3 industrial_revolution:3
            renaissance:3 reformation:3 timeline*:3 chronolog*:3 bc:2 ad:1 source*:1 artefact*:2 archaeolog*:3
            civilisation*:2 civilization*:2 peasant*:3 nobles:3 parliament:2 democracy:2 dictator*:2 nazi*:3
            holocaust:3 cold_war:3 explorer*:1 voyage*:1 discovery:1 monument*:1 museum:1 treaty_of:3 decade*:1
            era:2 period:1 rulers:1 victorian*:3 tudor*:3 napoleon:3 charlemagne:3 caesar:3 trench*:3 allies:2
            long_ago:2 olden_days:3 in_the_past:2 the_past:1.5 past:0.5 years_ago:2 then_and_now:3 nowadays:1.5
            change_over_time:3 grandparents:1.5 grandparent:1.5 grandma:1 grandad:1 grandpa:1 granny:1 school_days:1.5
            when_they_were_young:2 when_they_were_children:2 memories:1 evacuee*:3 evacuat*:3 wartime:3 blitz:3
            rationing:3 rations:2 rationed:2 air_raid*:3 shelter*:1 gas_mask*:3 home_front:3 spitfire*:3 hitler:3
            churchill:3
            remembrance:3 poppy:1.5 poppies:1.5 armistice:3 great_war:3 anglo_saxon*:3 saxons:3 normans:3 egypt*:1
            ancient_greece:3 aztec*:3 maya:2 mayan*:3 inca:2 incas:2 lord:0.5 lords:1 servant*:1.5 workhouse:3
            chimney_sweep*:3 steam_engine*:2 invention*:1.5 inventor*:1.5 great_fire:3 plague:2 florence_nightingale:3
            mary_seacole:3 moat:3 drawbridge:3 armour:2 jousting:3 coat_of_arms:3 siege:2 old_photograph*:2
            artefacts:2 toys_from_the_past:3 diary:0.5
            """,
        "fr": """
            histoire:2 historien*:3 historique*:2 siecle*:2 antiquite:3 antique:2 moyen_age:3 medieval*:3
            prehistoire:3 prehistorique*:3 age_de_pierre:3 age_du_bronze:3 romains:3 empire_romain:3
            empereur*:3 empire:2 pharaon*:3 egyptiens:2 grecs:1 gaulois:3 vikings:3 chevalier*:3 chateau*:2
            chateaux_forts:3 feodal*:3 seigneur*:3 roi:1 rois:2 reine:1 regne*:3 monarchi*:3 dynastie:3
            couronne*:1 revolution*:3 guerre*:2 guerre_mondiale:3 bataille*:2 traite:1 armee*:1 soldat*:2
            invasion*:2 conquete*:2 conquis:2 colonis*:2 independance:2 esclavage:3 abolition:3
            revolution_industrielle:3 renaissance:3 reforme:1 frise_chronologique:3 chronolog*:3 av_j:3
            source*:1 archeolog*:3 civilisation*:2 paysan*:2 noblesse:3 nobles:2 clerge:3 tiers_etat:3
            parlement:1 democratie:2 dictat*:2 nazi*:3 shoah:3 guerre_froide:3 explorateur*:1 decouverte*:1
            monument*:1 musee:1 epoque*:2 periode*:1 napoleon:3 charlemagne:3 clovis:3 cesar:3 tranchee*:3
            poilus:3 bastille:3 louis_xiv:3 resistance:1 occupation:1 republique:1 citoyen*:1 moine*:2
            autrefois:2 jadis:2 il_y_a_longtemps:2 a_l_epoque:2 dans_le_passe:2 de_nos_jours:1.5 hier_et_aujourd:3
            grands_parents:1.5 grand_mere:1 grand_pere:1 papi:1 mamie:1 quand_ils_etaient:1.5 souvenirs:1
            temoignage*:2 ecole_d_autrefois:3 encrier:3 plume:0.5 ardoise:1 evacu*:2 rationnement:3
            tickets_de_rationnement:3 bombardement*:2 abri:1 abris:1 occupant*:2 resistant*:2 deportation:3 armistice:3
            de_gaulle:3 hitler:3 poilu:3 chevalerie:3 forteresse*:2 donjon*:3 pont_levis:3 douves:3 remparts:2
            armure*:2 blason*:3 siege:1 celtes:3 vercingetorix:3 invention*:1.5 inventeur*:1.5 peste:2 vestiges:2
            patrimoine:2 egypte:1 grece_antique:3 hommes_prehistoriques:3 cro_magnon:3 lascaux:3 serviteur*:1.5
            domestique*:1 noble:1.5 ancetre*:2 vie_quotidienne:1
            """,
        "nl": """
            geschiedenis:3 historicus:3 historisch*:2 eeuw:2 eeuwen:2 oudheid:3 middeleeuw*:3 prehistorie:3
            steentijd:3 bronstijd:3 ijzertijd:3 romeinen:3 romeinse_rijk:3 keizer*:3 rijk:1 farao*:3
            egyptenaren:2 grieken:1 germanen:3 vikingen:3 ridder*:3 kasteel:2 kastelen:2 burcht*:2 leenheer*:3
            leenman:3 horige*:3 koning:1 koningen:2 koningin:1 regering*:1 vorst*:1 dynastie:3 kroon:1
            revolutie*:3 oorlog*:2 wereldoorlog:3 slag_bij:3 veldslag*:3 verdrag*:3 leger:1 soldat*:2
            inval:2 bezetting:2 veroverd*:2 verover*:2 kolonie*:2 onafhankelijk*:2 slavernij:3 afschaffing:2
            industriele_revolutie:3 renaissance:3 reformatie:3 tijdlijn*:3 tijdbalk*:3 chronolog*:3 voor_christus:3
            na_christus:3 bron:1 bronnen:1 archeolog*:3 beschaving*:2 boeren:1 adel:3 edelen:3 geestelijken:3
            parlement:1 democratie:2 dictat*:2 nazi*:3 holocaust:3 jodenvervolging:3 koude_oorlog:3
            ontdekkingsreiziger*:3 ontdekking*:1 monument*:1 museum:1 tijdvak*:3 periode:1 napoleon:3
            karel_de_grote:3 willem_van_oranje:3 tachtigjarige_oorlog:3 gouden_eeuw:3 voc:3 loopgraven:3
            verzet:2 stadhouder:3 republiek:1 burgers:1 monnik*:2 klooster*:2 hunebed*:3
            vroeger:2 lang_geleden:2 in_de_tijd_van:1.5 tegenwoordig:1.5 nu_en_vroeger:3 vroeger_en_nu:3
            grootouders:1.5 opa:1 oma:1 toen_ze_klein:1.5 herinnering*:1 evacu*:2 hongerwinter:3 distributiebon*:3
            bombardement*:2 schuilkelder*:3 onderduik*:3 razzia:3 jodenster:3 bevrijding:3 bevrijdingsdag:3
            dodenherdenking:3 ophaalbrug:3 slotgracht:3 kantelen:2 harnas:2 wapenschild:3 belegering:3 lei:1 griffel:3
            inktpot:3 kroontjespen:3 uitvinding*:1.5 uitvinder*:1.5 pest:1.5 stoommachine:3 canon_van_nederland:3
            jagers_en_verzamelaars:3 gilde*:2 ambacht*:1 stadsmuur:2 egypte:1 oude_grieken:3 voorouders:2
            dagelijks_leven:1 bezetter*:2
            """,
        "de": """
            geschichte:3 jahrhundert*:2 mittelalter:3 romer:3 kaiser*:3 konig*:1 ritter:3 burg:2 krieg*:2
            weltkrieg:3 revolution:3 schlacht:2 antike:3 steinzeit:3
            fruher:2 damals:3 vor_langer_zeit:3 vergangenheit:2 grosseltern:1.5 oma:1 opa:1 ritterburg:3 burgen:2
            evakuiert:2 bomben:1.5 nachkriegszeit:3 jahrhunderte:2 zeitleiste:3 pharao*:3 wikinger:3 germanen:3
            kelten:3 erfindung*:1.5 pest:1.5 konigin:1 herrscher*:2 mauer:0.5 diktatur:2 heute:0.3
            """,
        "es": """
            historia:3 siglo*:2 edad_media:3 romanos:3 imperio:2 emperador*:3 rey:1 reyes:1 guerra*:2 revolucion:3
            batalla*:2 caballero*:2 castillo*:2 prehistoria:3 civilizacion*:2
            antiguamente:2 hace_mucho_tiempo:3 en_el_pasado:2 pasado:0.5 abuelos:1.5 abuela:1 abuelo:1 hoy_en_dia:1.5
            reina:1 epoca:2 antiguo*:1 romano:2 egipcio*:2 faraon*:3 invento*:1.5 conquista*:2 descubrimiento*:1.5
            guerra_civil:3 dictadura:2 vikingos:3
            """,
    },
    "geography": {
        "en": """
            geograph*:3 map:2 maps:2 atlas:3 compass:2 north:1 south:1 east:1 west:1 continent*:3 ocean*:2
            sea:1 river*:2 mountain*:2 valley*:2 volcano*:2 earthquake*:2 climate*:2 weather:1 rainfall:2
            desert*:2 rainforest*:3 tundra:3 savanna*:3 country:1 countries:2 capital*:1 city:1 cities:1
            population*:3 migration:2 urban:2 rural:2 settlement*:2 landscape*:2 relief:2 erosion:2 coast*:2
            island*:2 peninsula*:3 equator:3 hemisphere*:3 latitude*:3 longitude*:3 tropic*:2 scale:1 key:1
            legend:1 grid_reference*:3 contour*:3 region*:2 border*:1 europe:2 africa:2 asia:2 america:1
            oceania:3 antarctica:2 agricultur*:2 farming:1 tourism:2 natural_resources:3 glacier*:2
            delta:2 source:1 mouth:1 tributar*:3 plateau*:2 plain*:1 sea_level:3 time_zone*:3 globe:2
            kilometres:1 inhabitants:3 density:1 capital_city:3 flood*:1 sustainab*:2 environment*:1
            village:1 villages:1 town:1 towns:1 local_area:2 physical_features:3 human_features:3 weather_map:3
            """,
        "fr": """
            geograph*:3 carte*:2 atlas:3 boussole:2 nord:1 sud:1 ouest:1 continent*:3 ocean*:2 mer:1
            fleuve*:3 riviere*:2 montagne*:2 vallee*:2 volcan*:2 seisme*:2 tremblement*:2 climat*:2 meteo:1
            precipitation*:2 desert*:2 foret_tropicale:3 foret_equatoriale:3 toundra:3 savane:3 pays:1 capitale*:1
            ville*:1 population*:3 migration*:2 urbain*:2 rural*:2 paysage*:2 relief*:2 erosion:2 cotes:1 cotier*:2
            littoral:3 ile:2 iles:2 peninsule*:3 presqu_ile:3 equateur:3 hemisphere*:3 latitude*:3
            longitude*:3 tropique*:2 echelle:1 legende:1 frontiere*:2 region*:2 departement*:2 europe:2
            afrique:2 asie:2 amerique:1 oceanie:3 antarctique:2 agricult*:2 tourisme:2 ressources_naturelles:3
            glacier*:2 delta:2 embouchure:3 affluent*:3 plateau*:2 plaine*:1 altitude:2 fuseau*:3 globe:2
            kilometres:1 habitants:3 densite:1 inondation*:1 durable:1 environnement:1 massif*:2 alpes:2
            pyrenees:3 loire:2 seine:2 rhone:2 metropole:2 territoire*:2 outre_mer:3 peuplement:3
            """,
        "nl": """
            aardrijkskunde:3 geografie:3 kaart:2 kaarten:2 atlas:3 kompas:2 windrichting*:3 noorden:1
            zuiden:1 oosten:1 westen:1 werelddeel:3 werelddelen:3 continent*:3 oceaan:2 oceanen:2 zee:1
            rivier*:2 berg:1 bergen:1 gebergte*:3 dal:2 vallei*:2 vulkaan*:2 aardbeving*:2 klimaat*:2
            neerslag:2 woestijn*:2 regenwoud*:3 toendra:3 savanne*:3 land:1 landen:1 hoofdstad:2 hoofdsteden:2
            stad:1 steden:1 bevolking*:3 inwoners:3 migratie:2 verstedelijking:3 platteland:2 landschap*:2
            reliëf:2 relief:2 erosie:2 kust*:2 eiland*:2 schiereiland*:3 evenaar:3 halfrond:3 breedtegraad*:3
            lengtegraad*:3 keerkring*:3 schaal:1 legenda:2 grens:1 grenzen:1 provincie*:2 regio*:1 europa:2
            afrika:2 azie:2 amerika:1 oceanie:3 antarctica:2 landbouw:2 toerisme:2 grondstof*:2 gletsjer*:2
            delta:2 monding:3 zijrivier*:3 hoogvlakte:3 vlakte*:1 zeeniveau:3 zeespiegel:2 tijdzone*:3 globe:2
            kilometer:1 bevolkingsdichtheid:3 overstroming*:1 polder*:3 dijk*:2 duurzaam*:2 milieu:1
            nap:2 topografie:3 topografische:3
            """,
        "de": """
            erdkunde:3 geographie:3 karte:2 kontinent*:3 fluss:2 gebirge:3 klima:2 hauptstadt:2 bevolkerung:3
            einwohner:3 landschaft:2 insel:2 aquator:3
            """,
        "es": """
            geografia:3 mapa*:2 continente*:3 oceano*:2 rio:1 rios:1 montana*:2 clima:2 capital:1 poblacion:3
            habitantes:3 paisaje*:2 isla*:2 ecuador:2
            """,
    },
    "language_literature": {
        "en": """
            reading:1 read:0.5 spelling*:3 grammar:2 punctuation:3 comma*:2 full_stop*:3 capital_letter*:3
            noun*:2 verb*:2 adjective*:2 adverb*:2 pronoun*:2 preposition*:2 conjunction*:2 sentence*:1
            paragraph*:2 synonym*:2 antonym*:3 homophone*:3 prefix*:2 suffix*:2 syllable*:3 phonic*:3
            vowel*:2 consonant*:2 alphabet*:1 dictionary:2 poem*:3 poet*:3 poetry:3 rhyme*:3 verse*:2 stanza*:3
            story:1 stories:1 novel*:3 author*:2 character:2 characters:2 plot:3 setting:1 narrator:3
            fairy_tale*:3 fable*:3
            myth*:1 legend*:1 chapter*:2 comprehension:3 retell:3 summar*:2 writing:0.5 essay*:2 handwriting:3
            simile*:3 metaphor*:3 alliteration:3 play:0.5 playwright:3 shakespeare:3 literature:3 literary:3
            text:0.5 texts:0.5 title:0.5 write:0.5 creative_writing:3 speech_marks:3 inverted_commas:3 apostrophe*:2
            tense*:1 past_tense:2 book*:0.5 library:1 word*:0.5 letter*:0.5 dictation:3 handwrit*:3 once_upon:3
            main_character*:3 beginning_middle_and_end:3 story_map:3 storyteller*:2 recount:2 recounts:2 diary_entry:2
            persuasive:2 descriptive_writing:3 formal_letter:2 informal_letter:2
            """,
        "fr": """
            lecture:2 lire:0.5 orthograph*:3 grammair*:2 ponctuation:3 virgule*:2 point_final:3 majuscule*:3
            nom_commun:3 noms_communs:3 nom_propre:3 verbe*:2 adjectif*:2 adverbe*:2 pronom*:2 preposition*:2
            conjonction*:2 determinant*:3 sujet:1 complement*:2 cod:3 phrase*:1 paragraphe*:2 synonyme*:2
            antonyme*:3 contraire*:1 homophone*:3 prefixe*:2 suffixe*:2 syllabe*:3 voyelle*:2 consonne*:2
            alphabet*:1 dictionnaire*:2 poeme*:3 poete*:3 poesie*:3 rime*:3 strophe*:3 recit*:1.5
            histoire:0.5 roman:2 auteur*:2 personnage*:2 intrigue:3 narrateur*:3 conte:3 contes:3 fable*:3 fontaine:1
            mythe*:1 legende*:1 chapitre*:2 comprehension:2 redaction*:3 resume*:1 ecriture:2 dissertation:3
            comparaison*:1 metaphore*:3 theatre:2 moliere:3 hugo:2 litterature:3 litteraire*:3 texte*:0.5
            titre:0.5 ecris:0.5 conjugaison*:3 conjugue*:3 passe_compose:3 imparfait:3 futur:2 present:1
            indicatif:3 accord*:2 participe_passe:3 participe:1 feminin:2 pluriel:2 singulier:2 dictee*:3 livre*:0.5
            bibliotheque:1 mot:0.5 mots:0.5 lettre*:0.5 il_etait_une_fois:3 champ_lexical:3 nature_des_mots:3
            personnage_principal:3 schema_narratif:3 formule_de_politesse:3 raconte:1 racontes:1 raconter:1 redige:1.5
            redigez:1.5 lettre_a:1
            """,
        "nl": """
            lezen:1 begrijpend_lezen:3 spelling*:3 taalbeschouwing:3 grammatica:2 leesteken*:3 komma*:2 punt:1
            hoofdletter*:3 zelfstandig_naamwoord*:3 werkwoord*:2 bijvoeglijk_naamwoord*:3 bijwoord*:2
            voornaamwoord*:2 voorzetsel*:2 voegwoord*:2 lidwoord*:3 onderwerp:1 persoonsvorm*:3 gezegde:3
            lijdend_voorwerp:3 zin:1 zinnen:1 zinsdeel:3 zinsdelen:3 alinea*:2 synoniem*:2 tegenstelling*:1
            tegengesteld*:1 voorvoegsel*:2 achtervoegsel*:2 lettergreep*:3 klinker*:2 medeklinker*:2 alfabet*:1
            woordenboek*:1 gedicht*:3 dichter*:3 poezie:3 rijm*:3 rijmwoord*:3 strofe*:3 couplet*:1 verhaal:1
            verhalen:1 roman:2 schrijver*:2 personage*:2 hoofdpersoon:3 verteller:3 sprookje*:3 fabel*:3
            mythe*:1 hoofdstuk*:2 samenvatting*:2 opstel*:3 schrijven:0.5 stelopdracht*:3
            metafoor*:3 beeldspraak:3 toneel*:2 literatuur:3 literair*:3 tekst*:0.5 titel:0.5 dictee*:3
            werkwoordspelling:3 verleden_tijd:2 tegenwoordige_tijd:2 voltooid_deelwoord:3 meervoud:2 enkelvoud:2
            verkleinwoord*:3 boek*:0.5 bibliotheek:1 woord:0.5 woorden:0.5 letter*:0.5 er_was_eens:3 leesboek*:3
            hoofdpersonage*:3 leesbegrip:3
            """,
        "de": """
            deutschunterricht:3 lesen:1 rechtschreibung:3 grammatik:2 nomen:2 verb*:1 adjektiv*:2 satz:1
            gedicht*:3 reim*:3 geschichte:0.5 marchen:3 aufsatz:3 diktat:3
            erzahlung*:2 hauptfigur*:3
            """,
        "es": """
            lectura:1 ortografia:3 gramatica:2 sustantivo*:2 verbo*:2 adjetivo*:2 oracion*:2 poema*:3
            poesia:3 rima*:3 cuento*:3 novela*:2 autor*:2 personaje*:2 dictado:3
            lengua:1 texto:0.5 leer:0.5 escribir:0.5 palabras:0.5 letra:0.5 libro:0.5
            """,
    },
    "foreign_language": {
        "en": """
            translate:3 translation*:3 vocabulary:2 vocab:3 foreign_language*:3 second_language:3 phrasebook:3
            pronunciation:2 pronounce:2 listening_comprehension:2 role_play:2 greetings:2 introduce_yourself:3
            conjugate:1 bilingual:3 mother_tongue:3 native_speaker*:3 language_learning:3 learn_the_words:2
            in_english:1 in_french:3 in_dutch:3 in_german:3 in_spanish:3 masculine:1 feminine:1 gender:1
            useful_phrases:3 false_friend*:3 word_list:2 flashcard*:2 oral:1 dialogue*:1 latin:2
            """,
        "fr": """
            tradui*:3 traduction*:3 vocabulaire:2 langue_etrangere:3 langues_vivantes:3 lv1:3 lv2:3 prononciation:2
            prononce*:1 comprehension_orale:2 jeu_de_role:2 salutations:2 presente_toi:3 presentez_vous:2
            bilingue:3 langue_maternelle:3 en_anglais:3 en_allemand:3 en_espagnol:3 en_neerlandais:3
            en_francais:1 faux_amis:3 liste_de_mots:2 expressions_utiles:3 dialogue*:1 latin:2
            """,
        "nl": """
            vertaal*:3 vertaling*:3 woordjes:3 woordenlijst*:2 vreemde_taal:3 vreemde_talen:3 moderne_vreemde:3
            uitspraak:2 uitspreken:2 luistervaardigheid:2 spreekvaardigheid:2 rollenspel:2 begroeting*:2
            stel_jezelf_voor:3 tweetalig*:3 moedertaal:3 in_het_engels:3 in_het_frans:3 in_het_duits:3
            in_het_spaans:3 in_het_nederlands:1 valse_vrienden:3 handige_zinnen:3 overhoring:2 dialoog:1
            latijn:2
            """,
        "de": "ubersetze*:3 ubersetzung*:3 vokabel*:3 fremdsprache*:3 aussprache:2",
        "es": "traduce*:3 traduccion*:3 vocabulario:2 lengua_extranjera:3 pronunciacion:2",
    },
    "music": {
        "en": """
            music*:3 musician*:3 song*:2 sing:2 singing:2 sings:2 sang:1 singer*:2 choir*:3 melody:3
            melodies:3 rhythm*:3 beat*:1
            tempo:3 note*:1 crotchet*:3 quaver*:3 minim:3 minims:3 semibreve*:3 stave:3 staff:1 treble_clef:3
            bass_clef:3 clef:3 sharp:2 flat:1 scale*:1 chord*:3 harmony:3 pitch:2 dynamics:3 forte:3 piano:2
            instrument*:3 orchestra*:3 violin*:3 cello*:3 guitar*:3 drum*:2 trumpet*:3 flute*:3 recorder:2
            percussion:3 strings:2 woodwind:3 brass:2 composer*:3 compose*:1 symphon*:3 concert*:2 opera*:3
            lyrics:3 verse:1 chorus:3 listen:1 mozart:3 beethoven:3 bach:3 bars:1 time_signature*:3 duet:3
            band:1 jazz:3 pop:1 musical:3 conductor*:1 keyboard:1 ukulele:3 xylophone*:3
            vivaldi:3 handel:3 haydn:3 chopin:3 tchaikovsky:3 debussy:3 holst:3 prokofiev:3 saint_saens:3
            movement:1 tune:2 tunes:2 clap:1 clapping:1
            """,
        "fr": """
            musique*:3 musicien*:3 chanson*:2 chant*:2 chanter:2 chanteur*:2 chorale:3 melodie*:3 rythme*:3
            pulsation:3 tempo:3 note*:1 noire*:1 croche*:3 blanche*:1 ronde*:1 soupir*:2 portee*:2
            cle_de_sol:3 cle_de_fa:3 diese*:3 bemol*:3 gamme*:3 accord*:1 harmonie*:2 hauteur:1 nuance*:2
            forte:3 piano:2 instrument*:3 orchestre*:3 violon*:3 violoncelle*:3 guitare*:3 tambour*:2
            trompette*:3 flute*:3 percussion*:3 cordes:2 vents:1 cuivres:2 compositeur*:3 symphonie*:3
            concert*:2 opera*:3 paroles:2 couplet*:2 refrain*:3 ecoute*:1 mozart:3 beethoven:3 bach:3
            mesure*:1 solfege:3 do_re_mi:3 duo:1 jazz:3 chef_d_orchestre:3 clavier:1 xylophone*:3
            """,
        "nl": """
            muziek*:3 muzikant*:3 lied:2 liedje*:3 liederen:3 zing*:2 zanger*:2 koor:3 melodie*:3 ritme*:3
            maat:1 tempo:3 noot:2 noten:2 kwartnoot:3 achtste_noot:3 halve_noot:3 hele_noot:3 notenbalk:3
            solsleutel:3 g_sleutel:3 bassleutel:3 kruis:1 mol:1 toonladder*:3 akkoord*:1 samenklank:3
            toonhoogte:3 dynamiek:3 forte:3 piano:2 instrument*:3 orkest*:3 viool:3 violen:3 cello*:3 gitaar*:3
            trommel*:2 trompet*:3 fluit*:2 blokfluit*:3 slagwerk:3 strijkers:3 houtblazers:3 koperblazers:3
            componist*:3 componeren:3 symfonie*:3 concert*:2 opera*:3 songtekst*:3 refrein*:3 luister*:1
            mozart:3 beethoven:3 bach:3 maatsoort*:3 duet:3 jazz:3 dirigent*:3 keyboard:1 xylofoon:3 rust:1
            """,
        "de": "musik*:3 lied:2 lieder:3 singen:2 melodie:3 rhythmus:3 noten:2 instrument*:3 orchester:3 geige:3",
        "es": "musica*:3 cancion*:2 cantar:2 melodia:3 ritmo:3 nota*:1 instrumento*:3 orquesta*:3 guitarra*:3",
    },
    "arts": {
        "en": """
            art:2 arts:2 artist*:3 artwork*:3 drawing*:2 draw:1 paint*:3 painter*:3 brush*:2 canvas:3
            watercolo*:3 pastel*:3 crayon*:2 pencil*:1 sketch*:3 colour*:1 color*:1 primary_colours:3
            secondary_colours:3 shade*:1 shading:3 texture*:2 pattern*:1 portrait*:3 landscape:1 still_life:3
            sculpt*:3 clay:3 collage*:3 print*:1 printmaking:3 gallery:3 museum:1 masterpiece*:3 van_gogh:3
            monet:3 picasso:3 kandinsky:3 matisse:3 mondrian:3 impressionis*:3 cubism:3 abstract:2
            perspective:2 composition:1 palette:3 easel:3 mosaic*:2 craft*:2 origami:3 design*:1 illustrat*:1
            model:1 foreground:2 background:1 warm_colours:3 cool_colours:3 tones:1 visual:1 gallery_visit:3
            glue:2 glue_stick*:3 scissors:1.5 cardboard:2 card:0.5 paper:0.5 coloured_paper:2 tissue_paper:2
            crepe_paper:3 cut_out:1 fold:1 folding:1.5 folded:1 felt_tip*:2 felt_pens:2 marker*:1 picture*:1
            colouring:2 colour_in:1 decorat*:1.5 mask*:1.5 puppet*:1.5 wool:1 fabric:1.5 felt:0.5 beads:1.5 sequins:2
            glitter:2 stencil*:3 sponge*:1 printing:1.5 self_portrait*:3 frame:1 exhibition:2 junk_model*:3
            paper_plate*:2 pipe_cleaner*:3 pom_pom*:2 lolly_stick*:2 papier_mache:3 weaving:2 sew:1.5 sewing:1.5
            needle:1 shapes:0.3 greetings_card*:2 card_making:3
            """,
        "fr": """
            arts_plastiques:3 art:2 artiste*:3 oeuvre*:2 dessin*:3 dessine*:3 peint*:3 peinture*:3 pinceau*:3
            toile*:2 aquarelle*:3 pastel*:3 crayon*:1 croquis:3 couleur*:1 couleurs_primaires:3
            couleurs_secondaires:3 nuance*:1 ombre*:1 texture*:2 motif*:1 portrait*:3 paysage:1 nature_morte:3
            sculpt*:3 argile:3 pate_a_modeler:3 collage*:3 gravure*:2 galerie*:3 musee:1 chef_d_oeuvre:3
            van_gogh:3 monet:3 picasso:3 kandinsky:3 matisse:3 mondrian:3 impressionnis*:3 cubisme:3 abstrait*:2
            perspective:2 composition:1 palette:3 chevalet:3 mosaique*:2 bricolage:2 origami:3 illustrat*:1
            premier_plan:2 arriere_plan:1 couleurs_chaudes:3 couleurs_froides:3 teinte*:2 histoire_des_arts:3
            colle:1.5 coller:1.5 collez:1.5 baton_de_colle:3 ciseaux:1.5 carton:1.5 papier:0.5 papier_de_couleur:2
            papier_crepon:3 papier_de_soie:2 peins:3 peindre:3 peignez:2 gouache:3 decoupe*:1.5 decouper:1.5 plie*:1
            pliage:2 crayons_de_couleur:2 feutre*:2 craie*:1 tableau:0.3 decore*:1.5 decoration*:1.5 masque*:1.5
            marionnette*:1.5 laine:1 tissu*:1.5 perles:1 paillettes:2 pochoir*:3 eponge*:1 empreinte*:1 modelage:3
            modeler:2 tampon*:1.5 colorie*:2 coloriage:2 autoportrait*:3 cadre:0.5 exposition:1.5 maquette*:1.5
            assiette_en_carton:2 cure_pipe*:3 papier_mache:3 tissage:2 coudre:1.5 image*:0.3 formes:0.3
            carte_de_voeux:2
            """,
        "nl": """
            kunst:3 tekenen:2 tekening*:2 teken:1 handvaardigheid:3 beeldende_vorming:3 kunstenaar*:3
            kunstwerk*:3 schilder*:3 verf:3 penseel:3 doek:1 waterverf:3 pastel*:3 krijt*:1 potlood:1 schets*:3
            kleur*:1 primaire_kleuren:3 secundaire_kleuren:3 arcering*:3 textuur:2 patroon:1 portret*:3
            landschap:1 stilleven*:3 beeldhouw*:3 beeld:1 klei:3 boetseer*:3 collage*:3 druktechniek*:3
            galerie:3 museum:1 meesterwerk*:3 van_gogh:3 rembrandt:3 vermeer:3 monet:3 picasso:3 mondriaan:3
            impressionis*:3 kubisme:3 abstract*:2 perspectief:2 compositie:1 palet:3 ezel:1 mozaiek*:2
            knutsel*:3 origami:3 ontwerp*:1 illustrat*:1 voorgrond:2 achtergrond:1 warme_kleuren:3
            koude_kleuren:3 tint*:1 nachtwacht:3 kunstgeschiedenis:3
            lijm*:2 lijmstift*:3 plak*:1 schaar:1.5 karton:1.5 papier:0.5 gekleurd_papier:2 crepepapier:3
            vloeipapier:2 verven:3 knip*:1.5 vouw*:1 kleurpotlod*:2 waskrijt*:2 stift*:1.5 viltstift*:2 versier*:1.5
            masker*:1.5 handpop*:1.5 wol:1 kralen:1.5 glitter*:2 sjabloon*:2 spons*:1 stempel*:1.5 zelfportret*:3
            tentoonstelling:1.5 maquette*:1.5 pijpenrager*:3 papier_mache:3 weven:2 naaien:1.5 naald:1 prent*:1
            vormen:0.3 wenskaart*:2
            """,
        "de": """
            kunst:3 kunstler*:3 malen:3 zeichnen:3 zeichnung*:3 farbe*:1 pinsel:3 gemalde:3 skulptur*:3 kleber:2
            klebe*:1.5 schere:1.5 pappe:1.5 karton:1.5 papier:0.5 bunt*:1 buntstift*:2 ausschneiden:1.5 schneide*:1
            falte*:1 falten:1.5 knete:2 wachsmalstift*:3 filzstift*:2 wasserfarbe*:3 bastel*:3 collage*:3 bild:1
            bilder:1 gestalte*:1.5 kunstunterricht:3 malt:2
            """,
        "es": """
            arte:2 artista*:3 dibujo*:3 dibujar:3 pintura*:3 pintor*:3 pincel*:3 escultura*:3 colores:1 pegamento:2
            pega*:1 tijeras:1.5 carton:1.5 cartulina*:2 papel:0.5 pinta*:3 collage*:3 recorta*:1.5 dobla*:1
            plastilina:3 arcilla:3 ceras:2 rotulador*:2 acuarela*:3 manualidad*:3 decora*:1.5 mascara*:1.5 lana:1
            tela:1 purpurina:2 dibuja*:3 colorea*:2 plastica:3
            """,
    },
    "computing": {
        "en": """
            computing:3 computer*:3 program*:3 programming:3 code:2 coding:3 coder*:3 algorithm*:3
            software:3 hardware:3 scratch:2 python:3 sprite*:3 loop*:2 variable:1 debug*:3 bug:1 bugs:1 input:2
            output:2 binary:3 bit:1 bits:2 byte*:3 data:1 database*:3 spreadsheet*:3 internet:2 network*:2 website*:2
            web:1 online_safety:3 e_safety:3 password*:3 email*:2 browser*:3 keyboard:2 mouse:1 screen:1
            file*:1 folder*:2 download*:2 upload*:2 robot*:2 sequence:1 selection:1 repetition:2 if_statement*:3
             function:1 command*:2 pixel*:2 digital:2 app:1 apps:1 block*:1
            cyber*:3 privacy:2 html:3 cpu:3 memory:1 processor*:3 click:2 typing:2 logo:1 turtle:1 beebot:3
            instruction*:1 step_by_step:1.5 bee_bot*:3 bee_bots:3 arrow*:1 forward*:1 backward*:1 turn_left:2
            turn_right:2 repeat:1.5 grid:0.5 unplugged:3 word_processor*:3 word_processing:3 type:0.5 type_your:2
            type_it:1.5 type_up:2 save:0.5 save_your:1.5 save_it:1.5 tablet*:2 ipad*:2 laptop*:3 device*:2 online:1.5
            log_in:2 login:2 username:3 printer:2 print_it:1 font*:2 bold:1 underline:0.5 copy_and_paste:3 delete:2
            backspace:3 space_bar:3 enter_key:3 shift_key:3 powerpoint:3 slides:1.5 camera:1 video*:1 icon*:2 menu:1
            button*:1 desktop:2 chatbot*:2 personal_information:2 trusted_adult:2 screen_time:3 screens:1 programme:1
            precise:0.5 touchscreen:3 digital_camera:2 internet_safety:3 stay_safe_online:3 emoji*:1
            """,
        "fr": """
            informatique:3 ordinateur*:3 programm*:2 programmer:3 programmation:3 code:2 codage:3
            coder:3 algorithme*:3 algorithmique:3
            logiciel*:3 materiel:1 scratch:2 python:3 lutin*:2 boucle*:2 repeter:1 variable:1 debogu*:3 bogue*:3
            entree:1 sortie:1 binaire:3 octet*:3 donnees:1 base_de_donnees:3 tableur*:3 internet:2 reseau*:1
            site_web:3 site_internet:3 web:1 mot_de_passe:3 courriel*:2 navigateur*:3 clavier:2 souris:1
            ecran*:1 fichier*:2 dossier*:1 telecharg*:2 robot*:2 sequence:1
            si_alors:3 fonction:1 commande*:2 pixel*:2 numerique:1 application*:1 bloc*:1 cyber*:3
            donnees_personnelles:2
            html:3 processeur*:3 memoire:1 cliqu*:2 tablette*:2 identifiant*:2
            instruction*:1 etape_par_etape:1.5 fleche*:1 avancer:1 avance:0.5 reculer:1 recule:0.5 tourner_a_gauche:2
            tourner_a_droite:2 tourne_a_gauche:2 tourne_a_droite:2 repete:1 quadrillage:0.5 traitement_de_texte:3
            taper:1.5 tape:1 tapez:1.5 enregistr*:1 sauvegard*:2 en_ligne:1.5 connecter*:1 connexion:1.5 imprim*:1
            imprimante:2 gras:0.5 copier_coller:3 copier:1 effacer:1 supprimer:1.5 touche*:1 barre_d_espace:3
            diaporama:2 appareil*:0.5 video*:1 icone*:2 bouton*:1 pseudo:2 ecrans:1 deplace*:0.5 deplacement*:0.5
            debranche*:3
            """,
        "nl": """
            informatica:3 computer*:3 programmer*:3 programma:1 code:2 coderen:3 algoritme*:3 software:3
            hardware:3 scratch:2 python:3 sprite*:3 lus:1 herhaling*:1 herhaal*:1 variabele:1 debug*:3
            invoer:1 uitvoer:1 binair*:3 bit:1 bits:2 byte*:3 gegevens:1 database:3 databank:3 spreadsheet*:3
            rekenblad:3 internet:2 netwerk*:2 website*:2 wachtwoord*:3 mediawijs*:3 mediawijsheid:3 email:2
            browser*:3 toetsenbord:2 muis:1 scherm:1 bestand*:1 map:1 downloaden:2 uploaden:2 robot*:2
            volgorde:1 als_dan:3 functie:1 pixel*:2 digitaal:2
            digitale:2 app:1 apps:1 blok*:1 cyber*:3 privacy:2 html:3 processor*:3 geheugen:1 klik*:2
            typen:1 tablet*:2 online:2 inloggen:2
            instructie*:1 stap_voor_stap:1.5 bee_bot*:3 pijl*:1 vooruit:1 achteruit:1 linksaf:1 rechtsaf:1
            draai_naar:1 rooster:0.5 tekstverwerk*:3 typ:1.5 opslaan:2 sla_op:1.5 ipad:2 laptop*:3 chromebook*:3
            gebruikersnaam:3 printen:1.5 printer:2 lettertype*:2 vetgedrukt:1 kopieren:1 plakken:0.3 verwijderen:1
            spatiebalk:3 powerpoint:3 presentatie:0.5 video*:1 icoon*:2 knop:1 knoppen:1 bureaublad:3
            persoonlijke_gegevens:2 schermtijd:3 programmeren:3 codeer*:3 opdrachtjes:0.5 unplugged:3
            """,
        "de": """
            informatik:3 computer*:3 programmier*:3 algorithmus:3 software:3 internet:2 passwort*:3 anweisung*:1
            reihenfolge:1 schritt_fur_schritt:1.5 roboter:2 pfeil*:1 schleife*:2 wiederhol*:1 tastatur:2 tippen:1.5
            speicher*:2 datei*:2 ordner:2 maus:1 klick*:2 bildschirm:2 tablet:2 laptop:3 online:1.5 drucken:1
            textverarbeitung:3 programm:2 code:2 codieren:3 befehl*:2
            """,
        "es": """
            informatica:3 ordenador*:3 computadora*:3 programa*:2 algoritmo*:3 internet:2 contrasena*:3 instruccion*:1
            secuencia*:1.5 paso_a_paso:1.5 robot*:2 flecha*:1 bucle*:2 repetir:1 repite:1 teclado:2 guardar:1
            guarda:0.5 archivo*:2 carpeta*:2 raton:1 clic:2 pantalla*:1.5 tableta*:2 en_linea:1.5
            procesador_de_textos:3 imprim*:1 codigo*:2 programacion:3
            """,
    },
    "physical_education": {
        "en": """
            physical_education:3 pe:1 p_e:3 sport*:3 gym:3 gymnastic*:3 athletic*:3 physical_exercise:3 fitness:3
            warm_up:3 cool_down:3 stretch*:3 run:1 running:2 sprint*:3 jump*:2 long_jump:3 high_jump:3 throw*:2
            catch*:1 ball:2 football:3 soccer:3 basketball:3 volleyball:3 netball:3 handball:3 rugby:3
            hockey:3 tennis:3 badminton:3 cricket:3 rounders:3 swimming:3 swim:2 pool:1 team*:2 teammate*:3
             goal*:1 referee*:3 whistle:2 dribbl*:3 pass:1 passing:1 tackle*:3 relay:3 race:1 races:1
            stamina:3 endurance:3 heart_rate:3 muscles:1 balance:1 agility:3 coordination:2 trainers:2
            sportswear:3 playground:1 skipping:3 dance:1.5 yoga:3 tournament*:3 fair_play:3 obstacle_course:3
            pe_kit:3 kit:1 swimming_lesson*:3 skipping_rope*:3 team_game*:3 plimsolls:3 shorts:1 water_bottle:1
            towel:1 swimsuit:2 swimming_costume:3 goggles:2 hoop:2 hoops:2 bean_bag*:2 cones:1.5 mats:1 bench*:1
            apparatus:2 climbing_frame:3 rope*:1 tag:1 tig:2 dodgeball:3 benchball:3 sports_day:3 egg_and_spoon:3
            sack_race:3 fit:0.5 active:0.5 kick*:2 bounce*:1.5 score:1 forward_roll*:3 cartwheel*:3 star_jump*:3 jog:2
            jogging:2 lap:1.5 laps:1.5 football_pitch:3 field:0.5 outdoor:0.5 games:0.5 game:0.3 players:1 opponent*:2
            rules_of_the_game:2 skip:1 hop:1.5 exercise_routine:2 gymnasium:3 changing_room*:3
            """,
        "fr": """
            eps:3 education_physique:3 sport*:3 gymnase:3 gymnastique:3 athletisme:3 exercice_physique:3
            echauffement*:3 etirement*:3 course:1 courir:2 sprint*:3 saut*:2 saut_en_longueur:3
            saut_en_hauteur:3 lancer:2 ballon*:2 football:3 foot:2 basket*:3 volley*:3 handball:3 rugby:3
            hockey:3 tennis:3 badminton:3 natation:3 nager:2 piscine:2.5 equipe*:2 coequipier*:3 match*:1
              arbitre*:3 sifflet:2 dribbl*:3 relais:3 endurance:3 souplesse:2
            frequence_cardiaque:3 equilibre:1 agilite:3 coordination:2 baskets:1 tenue_de_sport:3 cour:1
            corde_a_sauter:3 danse:1 yoga:3 tournoi*:3 fair_play:3 parcours:1 cerceau*:3 echauffer:3
            tenue:1 cours_de_natation:3 jeux_collectifs:3 jeu_collectif:3 short:1 maillot*:1.5 maillot_de_bain:3
            bonnet_de_bain:3 lunettes_de_piscine:3 serviette:1 gourde:1 salle_de_sport:3 tapis:1 plots:2 chasuble*:3
            balle*:1.5 attraper:1.5 sauter:2 roulade*:3 acrobat*:2 cross:1 course_d_orientation:3 jeu_du_loup:3
            epervier:2 balle_aux_prisonniers:3 velo:1 activite_physique:3 bouger:1.5 escalade:3 grimper:1.5 judo:3
            joueur*:1 adversaire*:2 regles_du_jeu:2 vestiaire*:3 danser:1.5 cour_de_recreation:1
            """,
        "nl": """
            lichamelijke_opvoeding:3 lo:1 gym:3 gymles*:3 gymnastiek:3 sport*:3 atletiek:3 beweging*:1
            bewegingsonderwijs:3 conditie:2 opwarm*:3 rekken:1 rekoefening*:3 hardlopen:3 rennen:2 sprint*:3
            springen:2 verspringen:3 hoogspringen:3 gooien:2 werpen:2 vangen:2 bal:2 voetbal:3 basketbal:3
            volleybal:3 handbal:3 korfbal:3 rugby:3 hockey:3 tennis:3 badminton:3 zwemmen:3 zwembad:2 team*:2
            ploeg*:1 teamgeno*:3 wedstrijd*:2 doelpunt*:3 scheidsrechter*:3 fluitje:2 dribbel*:3 passen:1
            estafette:3 uithoudingsvermogen:3 hartslag:3 evenwicht:1 behendigheid:3 coordinatie:2 gymschoenen:3
            sportkleding:3 touwtjespringen:3 dansen:1 yoga:3 toernooi*:3 sportief:2 fair_play:3 parcours:1
            hoepel*:3 pionnen:3 gymzaal:3 ringen:1 klimrek:3 trampoline:3
            gymtas:3 gymkleren:3 zwemles*:3 zwemdiploma:3 zwembroek:3 badpak:3 handdoek:1 springtouw*:3
            touwtje_springen:3 warming_up:3 teamspel*:3 trefbal:3 tikkertje:3 apenkooi:3 matten:1 bok:1 koprol*:3
            radslag:3 schoppen:1.5 stuiter*:1.5 bewegen:1.5 sportdag:3 fit:1 buitenspelen:1 fietsen:1 schaatsen:3
            judo:3 turnen:3 spelers:1 tegenstander*:2 spelregels:2 kleedkamer*:3
            """,
        "de": """
            sportunterricht:3 turnen:3 sport*:3 fussball:3 schwimmen:3 mannschaft:3 laufen:2 springen:2 turnhalle:3
            sportzeug:3 turnschuh*:3 sporthalle:3 schwimmunterricht:3 schwimmbad:3 badehose:3 seilspringen:3
            springseil:3 aufwarmen:3 staffel*:3 ballspiel*:3 ball:2 werfen:2 fangen:2 rennen:2 sportfest:3
            bundesjugendspiele:3 purzelbaum:3 bewegung:1.5 spieler:1
            """,
        "es": """
            educacion_fisica:3 deporte*:3 futbol:3 baloncesto:3 natacion:3 equipo*:2 correr:2 saltar:2 gimnasio:3
            piscina:2 clases_de_natacion:3 comba:3 cuerda:1 calentamiento:3 relevos:3 juegos_de_equipo:3 balon*:2
            pelota*:2 lanzar:1.5 atrapar:1.5 chandal:3 zapatillas:1.5 carrera*:1.5 jugadores:1 patio:0.5
            """,
    },
    "religion_ethics": {
        "en": """
            religion*:3 religious:3 ethic*:3 moral*:3 belief*:2 believe*:1 faith*:3 god:2 gods:2 worship*:3
            prayer*:3 pray:3 church*:3 mosque*:3 synagogue*:3 temple*:2 bible:3 quran:3 koran:3 torah:3
            christian*:3 christianity:3 islam:3 muslim*:3 jewish:3 judaism:3 hindu*:3 buddhis*:3 buddha:3
            sikh*:3 jesus:3 muhammad:3 prophet*:3 moses:3 abraham:2 easter:3 christmas:2 ramadan:3 eid:3
            diwali:3 hanukkah:3 passover:3 pilgrimage:3 sacred:3 holy:3 festival*:1 ritual*:2 ceremony:1
            baptism:3 values:1 respect:1 kindness:2 fairness:2 right_and_wrong:3 golden_rule:3 forgiveness:3
            philosophy:3 philosopher*:3 citizenship:2 conscience:3 empathy:2 tolerance:2 charity:2 parable*:3
            creation:1 heaven:2 saint*:2 priest*:3 rabbi*:3 imam*:3 commandment*:3 spiritual:3
            lie:1 lies:1 lying:2 liar:2 honest*:2 truth:1 tell_the_truth:2 fair:1 unfair:1.5 friendship*:1.5 tease:2
            teasing:2 teased:2 bully*:2 secret:1 secrets:1 keep_a_secret:2 forgive*:3 sorry:1 apologi*:1.5
            respectful:2 respecting:1.5 sharing:0.5 choice*:0.5 good_choice*:2 right_or_wrong:3 good_and_bad:2
            feelings:1.5 feel:0.5 emotion*:1.5 rules:0.5 living_together:2 selfish:2 generous:1.5 jealous*:1.5
            trust:1.5 promise*:1.5 cheat*:1.5 steal*:1.5 stole:1.5 dilemma*:3 what_would_you_do:2 responsib*:1.5
            justice:1.5 equality:1 rights:1 community:1 belong*:1 diversity:1 caring:1 thinking_together:2
            big_question*:2 noah:3 ark:2 great_flood:2 nativity:3 bethlehem:3 angel*:2 shepherd*:1 disciple*:3
            apostle*:3 miracle*:2 genesis:2 adam_and_eve:3 eden:2 goliath:3 jonah:3 samaritan:3 lost_sheep:3
            prodigal:3 exodus:3 ten_commandments:3 lent:1 advent:2 pentecost:3 hajj:3 mecca:3 makkah:3 sabbath:3
            shabbat:3 yom_kippur:3 vaisakhi:3 guru*:2 gurdwara:3 vishnu:3 krishna:3 ganesh*:3 karma:2 meditat*:1.5
            soul:1.5 bless*:2 amen:3 lord:1 psalm*:3 gospel*:3 testament:2 creator:2 hell:1 sin:2 sins:2 nuns:1.5
            vicar:3 pope:2 christening:3 communion:3 feast:1.5 feast_day*:3 celebrat*:0.5 harvest_festival:3
            synagogues:3 churches:3
            """,
        "fr": """
            religion*:3 religieu*:3 ethique:3 morale:2 moral:2 croyance*:3 croire:1 foi:3 dieu:2 dieux:2
            culte:3 priere*:3 prier:3 eglise*:3 mosquee*:3 synagogue*:3 temple*:2 bible:3 coran:3 torah:3
            chretien*:3 christianisme:3 islam:3 musulman*:3 juif*:3 judaisme:3 hindou*:3 bouddhis*:3
            bouddha:3 jesus:3 mahomet:3 prophete*:3 moise:3 abraham:2 paques:3 noel:2 ramadan:3 diwali:3
            hanoucca:3 pelerinage*:3 sacre*:2 saint*:2 fete*:1 rite*:2 ceremonie*:1 bapteme:3 valeurs:1
            respect:1 gentillesse:2 justice:1 bien_et_le_mal:3 regle_d_or:3 pardon:2 philosophi*:3
            philosophe*:3 emc:3 education_morale:3 citoyennete:2 laicite:3 conscience:2 empathie:2 tolerance:2
            parabole*:3 creation:1 paradis:2 pretre*:3 rabbin*:3 imam*:3 commandement*:3 spirituel*:3
            mensonge*:2 mentir:2 menti:1.5 menteur*:2 honnete*:2 verite:1 dire_la_verite:2 juste:0.3 injuste:1.5
            amitie:1.5 se_moquer:2 moque*:1.5 moquerie*:2 harcelement:2 harceler:2 secret:1 garder_un_secret:2
            pardonner:2 pardonne*:2 excuse*:1 respecter:1.5 respecte*:1 partager:0.5 choix:0.5 bien_ou_mal:3
            sentiment*:1.5 emotion*:1.5 vivre_ensemble:3 gentil*:0.5 mechant*:0.5 jaloux:1.5 jalousie:1.5
            confiance:1.5 promesse*:1.5 tricher:1.5 triche*:1.5 dilemme*:3 que_ferais_tu:2 responsab*:1 droits:1
            egalite:1 solidarit*:2 entraide:2 debat*:1.5 atelier_philo:3 philo:3 noe:3 arche:2 deluge:3 anges:2 ange:2
            berger*:1 disciple*:3 apotre*:3 miracle*:2 genese:2 adam_et_eve:3 jonas:2 bon_samaritain:3 brebis_perdue:3
            fils_prodigue:3 careme:3 avent:2 pentecote:3 toussaint:2 mecque:3 sabbat:3 shabbat:3 ame:1.5 evangile*:3
            psaume*:3 catechisme:3 messe:3 communion:3 pape:2 seigneur:0.5 amen:3 fete_religieuse:3
            fetes_religieuses:3 celebr*:0.5 conte_philosophique:3
            """,
        "nl": """
            godsdienst*:3 religie*:3 religieus*:3 levensbeschouwing*:3 ethiek:3 moraal:3 zedenleer:3
            geloof:3 geloven:2 gelovig*:3 god:2 goden:2 aanbid*:3 gebed*:3 bidden:3 kerk*:2 moskee*:3
            synagoge*:3 tempel*:2 bijbel*:3 koran:3 thora:3 tora:3 christen*:3 christendom:3 islam:3
            moslim*:3 joods*:3 jodendom:3 hindoe*:3 boeddhis*:3 boeddha:3 jezus:3 mohammed:3 profeet*:3
            mozes:3 abraham:2 pasen:3 kerstmis:2 kerst:2 ramadan:3 suikerfeest:3 divali:3 chanoeka:3 pesach:3
            bedevaart:3 pelgrim*:3 heilig*:3 feest*:1 ritue*:2 ceremonie:1 doop:3 waarden:1 respect:1
            vriendelijk*:1 eerlijk*:1 goed_en_kwaad:3 gulden_regel:3 vergeving:3 vergeven:2 filosof*:3
            burgerschap:2 geweten:3 empathie:2 verdraagzaam*:3 naastenliefde:3 gelijkenis*:2 schepping*:2
            hemel:1 priester*:3 dominee*:3 rabbijn*:3 imam*:3 geboden:3 spiritu*:3
            liegen:2 leugen*:2 gelogen:2 eerlijkheid:2 waarheid:1.5 de_waarheid:1.5 oneerlijk:1.5 vriendschap:1.5
            pesten:2 gepest:2 pestkop*:2 plagen:1.5 uitlachen:1.5 geheim:0.5 geheimpje:1.5 sorry:1 excuses:1
            respecteren:1.5 keuze*:0.5 goed_of_fout:3 goed_en_slecht:2 gevoel*:1.5 emotie*:1.5 regels:0.5 samenleven:2
            samen_leven:2 aardig:0.5 jaloers*:1.5 vertrouwen:1.5 belofte*:1.5 beloven:1 valsspelen:1.5 stelen:1.5
            gestolen:1 dilemma*:3 wat_zou_jij_doen:2 verantwoordelijk*:1 gelijkwaardig*:1.5 filosoferen:3
            kinderfilosofie:3 noach:3 ark:2 zondvloed:3 engel:2 engelen:2 herder*:1 discipel*:3 apostel*:3 wonder:0.5
            wonderen:1.5 genesis:2 adam_en_eva:3 jona:2 barmhartige_samaritaan:3 verloren_zoon:3 verloren_schaap:3
            advent:2 pinksteren:3 hemelvaart:3 offerfeest:3 mekka:3 sabbat:3 ziel:1.5 zegen*:2 amen:3 psalm*:3
            evangelie*:3 testament:2 schepper:2 nonnen:1.5 pastoor:3 paus:2 communie:3 kerkelijk*:3 feestdag*:1
            vieren:0.5
            """,
        "de": """
            religion*:3 ethik:3 gott:2 kirche:3 gebet:3 glaube*:2 bibel:3 moschee:3 jesus:3 lugen:2 luge:2 ehrlich*:2
            wahrheit:1.5 ungerecht:1.5 freundschaft:1.5 streit:1 mobbing:2 hanseln:2 geheimnis:1 verzeih*:2 vergeb*:2
            entschuldig*:1 respekt:1.5 gewissen:3 gefuhl*:1.5 zusammenleben:2 noah:3 arche:2 sintflut:3 prophet*:3
            gleichnis*:3 synagoge:3 beten:3 weihnacht*:2 ostern:3 engel:2 philosophie:3 werte:1 moral:3
            religionsunterricht:3
            """,
        "es": """
            religion*:3 etica:3 dios:2 iglesia*:3 oracion:1 biblia:3 fe:1 mezquita*:3 jesus:3 mentira*:2 mentir:2
            honest*:2 honradez:2 verdad:1 injusto:1.5 amistad:1.5 burla*:1.5 acoso:2 secreto:1 perdon*:2 perdonar:2
            respeto:1.5 respetar:1.5 compartir:0.5 conciencia:2 sentimiento*:1.5 emocion*:1.5 normas:0.5 convivencia:3
            noe:3 arca:2 diluvio:3 profeta*:3 parabola*:1.5 rezar:3 navidad:2 pascua:3 angel:2 valores:1 filosofia:3
            moral:3
            """,
    },
}

#: Names of languages, folded, in the languages the app speaks (and German and Spanish).
LANGUAGE_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("english", "anglais", "engels", "englisch", "ingles"),
    "fr": ("french", "francais", "frans", "franzosisch", "frances"),
    "nl": ("dutch", "neerlandais", "nederlands", "niederlandisch", "neerlandes", "flemish", "vlaams"),
    "de": ("german", "allemand", "duits", "deutsch", "aleman"),
    "es": ("spanish", "espagnol", "spaans", "spanisch", "espanol", "castellano"),
    "it": ("italian", "italien", "italiaans", "italienisch", "italiano"),
    "pt": ("portuguese", "portugais", "portugees", "portugiesisch", "portugues"),
}
