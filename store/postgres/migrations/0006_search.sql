-- Search over customers, contacts, deals, interactions and follow-up notes.
--
-- One document per record in search_docs: docid = record id * 8 + kind (1
-- customer, 2 contact, 3 deal, 4 interaction, 5 follow-up), the customer
-- (for the scope), a time (for recency) and a tsvector of its words, the
-- record's own name weighted A, who it concerns B, what was said C.
-- Words are folded as store.Fold folds them (tend_fold: the same table,
-- written out; a test checks the two agree) and split on anything but
-- letters and digits, as store.SearchTerms splits a query, before the
-- 'simple' configuration (no stemming, no stop words) indexes them.
-- Triggers keep the documents in step with every write path, undo included.

CREATE FUNCTION tend_fold(s text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT lower(translate(s,
		'ABCDEFGHIJKLMNOPQRSTUVWXYZÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦĨĩĪīĬĭĮįİĲĴĵĶķĹĺĻļĽľĿŁŃńŅņŇňŊŌōŎŏŐőŒŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžƁƂƄƆƇƉƊƋƎƏƐƑƓƔƖƗƘƜƝƟƠơƢƤƦƧƩƬƮƯưƱƲƳƵƷƸƼǄǅǇǈǊǋǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǢǣǤǦǧǨǩǪǫǬǭǮǯǰǱǲǴǵǶǷǸǹǺǻǼǽǾǿȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȜȞȟȠȢȤȦȧȨȩȪȫȬȭȮȯȰȱȲȳȺȻȽȾɁɃɄɅɆɈɊɌɎ̀́̓̈́ͰͲʹͶ;Ϳ΅Ά·ΈΉΊΌΎΏΐΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩΪΫάέήίΰϊϋόύώϏϓϔϘϚϜϞϠϢϤϦϨϪϬϮϴϷϹϺϽϾϿЀЁЂЃЄЅІЇЈЉЊЋЌЍЎЏАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯйѐёѓїќѝўѠѢѤѦѨѪѬѮѰѲѴѶѷѸѺѼѾҀҊҌҎҐҒҔҖҘҚҜҞҠҢҤҦҨҪҬҮҰҲҴҶҸҺҼҾӀӁӂӃӅӇӉӋӍӐӑӒӓӔӖӗӘӚӛӜӝӞӟӠӢӣӤӥӦӧӨӪӫӬӭӮӯӰӱӲӳӴӵӶӸӹӺӼӾԀԂԄԆԈԊԌԎԐԒԔԖԘԚԜԞԠԢԤԦԨԪԬԮԱԲԳԴԵԶԷԸԹԺԻԼԽԾԿՀՁՂՃՄՅՆՇՈՉՊՋՌՍՎՏՐՑՒՓՔՕՖآأؤإئۀۂۓऩऱऴक़ख़ग़ज़ड़ढ़फ़य़োৌড়ঢ়য়ਲ਼ਸ਼ਖ਼ਗ਼ਜ਼ਫ਼ୈୋୌଡ଼ଢ଼ஔொோௌైೀೇೈೊೋൊോൌේොෝෞགྷཌྷདྷབྷཛྷཀྵཱཱིུྲྀླཱྀྀྒྷྜྷྡྷྦྷྫྷྐྵဦႠႡႢႣႤႥႦႧႨႩႪႫႬႭႮႯႰႱႲႳႴႵႶႷႸႹႺႻႼႽႾႿჀჁჂჃჄჅჇჍᎠᎡᎢᎣᎤᎥᎦᎧᎨᎩᎪᎫᎬᎭᎮᎯᎰᎱᎲᎳᎴᎵᎶᎷᎸᎹᎺᎻᎼᎽᎾᎿᏀᏁᏂᏃᏄᏅᏆᏇᏈᏉᏊᏋᏌᏍᏎᏏᏐᏑᏒᏓᏔᏕᏖᏗᏘᏙᏚᏛᏜᏝᏞᏟᏠᏡᏢᏣᏤᏥᏦᏧᏨᏩᏪᏫᏬᏭᏮᏯᏰᏱᏲᏳᏴᏵᬆᬈᬊᬌᬎᬒᬻᬽᭀᭁᭃᲐᲑᲒᲓᲔᲕᲖᲗᲘᲙᲚᲛᲜᲝᲞᲟᲠᲡᲢᲣᲤᲥᲦᲧᲨᲩᲪᲫᲬᲭᲮᲯᲰᲱᲲᲳᲴᲵᲶᲷᲸᲹᲺᲽᲾᲿḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟḠḡḢḣḤḥḦḧḨḩḪḫḬḭḮḯḰḱḲḳḴḵḶḷḸḹḺḻḼḽḾḿṀṁṂṃṄṅṆṇṈṉṊṋṌṍṎṏṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯṰṱṲṳṴṵṶṷṸṹṺṻṼṽṾṿẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏẐẑẒẓẔẕẖẗẘẙẛẞẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹỺỼỾ',
		'abcdefghijklmnopqrstuvwxyzaaaaaaæceeeeiiiiðnoooooøuuuuyþaaaaaaceeeeiiiinooooouuuuyyaaaaaaccccccccddddeeeeeeeeeegggggggghhħiiiiiiiiiĳjjkkllllllŀłnnnnnnŋooooooœrrrrrrssssssssttttŧuuuuuuuuuuuuwwyyyzzzzzzɓƃƅɔƈɖɗƌǝəɛƒɠɣɩɨƙɯɲɵooƣƥʀƨʃƭʈuuʊʋƴƶʒƹƽǆǆǉǉǌǌaaiioouuuuuuuuuuaaaaææǥggkkooooʒʒjǳǳggƕƿnnaaææøøaaaaeeeeiiiioooorrrruuuussttȝhhƞȣȥaaeeooooooooyyⱥȼƚⱦɂƀʉʌɇɉɋɍɏ̀́̓̈ͱͳʹͷ;ϳ¨α·εηιουωιαβγδεζηθικλμνξοπρστυφχψωιυαεηιυιυουωϗϒϒϙϛϝϟϡϣϥϧϩϫϭϯθϸϲϻͻͼͽееђгєѕііјљњћкиуџабвгдежзииклмнопрстуфхцчшщъыьэюяиеегікиуѡѣѥѧѩѫѭѯѱѳѵѵѵѹѻѽѿҁҋҍҏґғҕҗҙқҝҟҡңҥҧҩҫҭүұҳҵҷҹһҽҿӏжжӄӆӈӊӌӎааааӕееәәәжжззӡииииооөөөээууууууччӷыыӻӽӿԁԃԅԇԉԋԍԏԑԓԕԗԙԛԝԟԡԣԥԧԩԫԭԯաբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆااوايەہےनरळकखगजडढफयেেডঢযਲਸਖਗਜਫେେେଡଢஒெேெెಿೆೆೆೆെേെෙෙෙෙགཌདབཛཀཱཱྲླཱྒྜྡྦྫྐဥⴀⴁⴂⴃⴄⴅⴆⴇⴈⴉⴊⴋⴌⴍⴎⴏⴐⴑⴒⴓⴔⴕⴖⴗⴘⴙⴚⴛⴜⴝⴞⴟⴠⴡⴢⴣⴤⴥⴧⴭꭰꭱꭲꭳꭴꭵꭶꭷꭸꭹꭺꭻꭼꭽꭾꭿꮀꮁꮂꮃꮄꮅꮆꮇꮈꮉꮊꮋꮌꮍꮎꮏꮐꮑꮒꮓꮔꮕꮖꮗꮘꮙꮚꮛꮜꮝꮞꮟꮠꮡꮢꮣꮤꮥꮦꮧꮨꮩꮪꮫꮬꮭꮮꮯꮰꮱꮲꮳꮴꮵꮶꮷꮸꮹꮺꮻꮼꮽꮾꮿᏸᏹᏺᏻᏼᏽᬅᬇᬉᬋᬍᬑᬺᬼᬾᬿᭂაბგდევზთიკლმნოპჟრსტუფქღყშჩცძწჭხჯჰჱჲჳჴჵჶჷჸჹჺჽჾჿaabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkkllllllllmmmmmmnnnnnnnnoooooooopppprrrrrrrrssssssssssttttttttuuuuuuuuuuvvvvwwwwwwwwwwxxxxyyzzzzzzhtwyſßaaaaaaaaaaaaaaaaaaaaaaaaeeeeeeeeeeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyyỻỽỿ'))
$$;

CREATE FUNCTION search_words(title text, people text, body text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT setweight(to_tsvector('simple', regexp_replace(tend_fold(coalesce(title, '')), '[^[:alnum:]]+', ' ', 'g')), 'A')
		|| setweight(to_tsvector('simple', regexp_replace(tend_fold(coalesce(people, '')), '[^[:alnum:]]+', ' ', 'g')), 'B')
		|| setweight(to_tsvector('simple', regexp_replace(tend_fold(coalesce(body, '')), '[^[:alnum:]]+', ' ', 'g')), 'C')
$$;

CREATE TABLE search_docs (
	id          BIGINT   PRIMARY KEY,
	customer_id BIGINT   NOT NULL,
	at          BIGINT   NOT NULL,
	words       TSVECTOR NOT NULL
);
CREATE INDEX search_docs_customer ON search_docs (customer_id);
CREATE INDEX search_docs_words ON search_docs USING gin (words);

-- A customer's name and aliases, as one text.
CREATE VIEW search_names (customer_id, names) AS
	SELECT c.id, c.name || COALESCE(' ' || (SELECT string_agg(a.alias, ' ' ORDER BY a.id) FROM customer_aliases a WHERE a.customer_id = c.id), '')
	FROM customers c;

-- What each record contributes to the index.
CREATE VIEW search_source (kind, ref_id, docid, customer_id, at, title, people, body) AS
	SELECT 1, c.id, c.id * 8 + 1, c.id, GREATEST(c.last_contact_at, c.created_at),
		n.names, '', c.tags || ' ' || c.email || ' ' || c.phone
	FROM customers c JOIN search_names n ON n.customer_id = c.id
	UNION ALL
	SELECT 2, p.id, p.id * 8 + 2, p.customer_id, GREATEST(c.last_contact_at, c.created_at),
		p.name, n.names, p.role || ' ' || p.email || ' ' || p.phone
	FROM contacts p JOIN customers c ON c.id = p.customer_id JOIN search_names n ON n.customer_id = p.customer_id
	UNION ALL
	SELECT 3, d.id, d.id * 8 + 3, d.customer_id, GREATEST(d.stage_changed_at, d.created_at),
		d.title, n.names, d.stage || ' ' || d.need || ' ' || d.budget || ' ' || d.authority
	FROM deals d JOIN search_names n ON n.customer_id = d.customer_id
	UNION ALL
	SELECT 4, i.id, i.id * 8 + 4, i.customer_id, i.at, '', n.names || COALESCE(' ' || p.name, ''), i.summary
	FROM interactions i JOIN search_names n ON n.customer_id = i.customer_id LEFT JOIN contacts p ON p.id = i.contact_id
	UNION ALL
	SELECT 5, f.id, f.id * 8 + 5, f.customer_id, f.created_at, '', n.names || COALESCE(' ' || p.name, ''), f.note
	FROM follow_ups f JOIN search_names n ON n.customer_id = f.customer_id LEFT JOIN contacts p ON p.id = f.contact_id;

-- search_put (re)writes one record's document, or every document of a
-- customer when ref is NULL.
CREATE FUNCTION search_put(k int, ref bigint, customer bigint) RETURNS void LANGUAGE sql AS $$
	DELETE FROM search_docs WHERE (ref IS NOT NULL AND id = ref * 8 + k) OR (ref IS NULL AND customer_id = customer);
	INSERT INTO search_docs (id, customer_id, at, words)
	SELECT docid, customer_id, at, search_words(title, people, body) FROM search_source
	WHERE (ref IS NOT NULL AND kind = k AND ref_id = ref) OR (ref IS NULL AND customer_id = customer);
$$;

-- Index what exists.
INSERT INTO search_docs (id, customer_id, at, words)
SELECT docid, customer_id, at, search_words(title, people, body) FROM search_source;

-- Contacts, deals, interactions and follow-ups: one document each (kind in
-- the trigger's argument), rewritten whole on any change.
CREATE FUNCTION search_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		DELETE FROM search_docs WHERE id = OLD.id * 8 + TG_ARGV[0]::int;
	ELSE
		PERFORM search_put(TG_ARGV[0]::int, NEW.id, NULL);
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER search_contacts AFTER INSERT OR UPDATE OR DELETE ON contacts FOR EACH ROW EXECUTE FUNCTION search_record(2);
CREATE TRIGGER search_deals AFTER INSERT OR UPDATE OR DELETE ON deals FOR EACH ROW EXECUTE FUNCTION search_record(3);
CREATE TRIGGER search_interactions AFTER INSERT OR UPDATE OR DELETE ON interactions FOR EACH ROW EXECUTE FUNCTION search_record(4);
CREATE TRIGGER search_follow_ups AFTER INSERT OR UPDATE OF customer_id, contact_id, note OR DELETE ON follow_ups
	FOR EACH ROW EXECUTE FUNCTION search_record(5);

-- Customers: their own document; a new name renames them in every
-- document of theirs.
CREATE FUNCTION search_customer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		DELETE FROM search_docs WHERE customer_id = OLD.id;
	ELSIF TG_OP = 'UPDATE' AND OLD.name IS DISTINCT FROM NEW.name THEN
		PERFORM search_put(1, NULL, NEW.id);
	ELSE
		PERFORM search_put(1, NEW.id, NULL);
		IF TG_OP = 'UPDATE' THEN
			UPDATE search_docs SET at = GREATEST(NEW.last_contact_at, NEW.created_at) WHERE customer_id = NEW.id AND id % 8 = 2;
		END IF;
	END IF;
	RETURN NULL;
END $$;
CREATE TRIGGER search_customers AFTER INSERT OR UPDATE OR DELETE ON customers FOR EACH ROW EXECUTE FUNCTION search_customer();

-- An alias is a name: every document of the customer learns or forgets it.
CREATE FUNCTION search_alias() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM search_put(0, NULL, CASE WHEN TG_OP = 'DELETE' THEN OLD.customer_id ELSE NEW.customer_id END);
	RETURN NULL;
END $$;
CREATE TRIGGER search_aliases AFTER INSERT OR UPDATE OR DELETE ON customer_aliases FOR EACH ROW EXECUTE FUNCTION search_alias();

-- A customer's history is the audit of every record of theirs. Created
-- and deleted rows carry their customer_id in the audit itself (a row undone
-- away is still history); updated ones are found through the row.
CREATE FUNCTION audit_customer(before text, after text) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT COALESCE((after::jsonb ->> 'customer_id')::bigint, (before::jsonb ->> 'customer_id')::bigint)
$$;
CREATE INDEX audit_customer ON audit (audit_customer(before, after));
